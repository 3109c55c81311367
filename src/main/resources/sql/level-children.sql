-- The children of a batch of messages (recipients, attachments with their data instance) and the
-- messages embedded in those attachments (the next level)
SELECT c.id, c.parent, c.type, c.flags, si.instanceid, {si_filename} AS filename
FROM hierarchy AS c
LEFT JOIN singleinstances AS si ON si.hierarchyid = c.id AND si.tag = 14081
WHERE c.parent IN ({ids})
UNION ALL
SELECT e.id, e.parent, e.type, e.flags, NULL, NULL
FROM hierarchy AS a
JOIN hierarchy AS e ON e.parent = a.id AND e.type = 5
WHERE a.parent IN ({ids}) AND a.type = 7
