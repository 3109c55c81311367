-- Messages per folder and hierarchy flags value, with the sum of their PR_MESSAGE_SIZE
SELECT m.parent, m.flags, COUNT(*) AS n, SUM(COALESCE(p.val_ulong, 0)) AS bytes
FROM hierarchy AS m
LEFT JOIN properties AS p ON p.hierarchyid = m.id AND p.tag = 3592 AND p.type = 3
WHERE m.parent IN ({ids}) AND m.type = 5
GROUP BY m.parent, m.flags
