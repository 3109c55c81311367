-- The next page of a folder's messages with one hierarchy flags value, in id order (walks the
-- parenttypeflags index), with PR_MESSAGE_SIZE to size the read batches
SELECT m.id, COALESCE(p.val_ulong, 0) AS size
FROM hierarchy AS m
LEFT JOIN properties AS p ON p.hierarchyid = m.id AND p.tag = 3592 AND p.type = 3
WHERE m.parent = ? AND m.type = 5 AND m.flags = ? AND m.id > ?
ORDER BY m.id
LIMIT ?
