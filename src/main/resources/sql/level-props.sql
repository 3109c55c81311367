-- All properties of a batch of messages and of their children (recipients, attachments):
-- single-valued (kind 0), multi-valued (kind 1) and indexed (kind 2). Strings as their stored bytes.
SELECT 0 AS kind, p.hierarchyid, p.tag, p.type, 0 AS orderid, p.val_ulong, CAST(p.val_string AS BINARY) AS val_string,
       p.val_binary, p.val_double, p.val_longint, p.val_hi, p.val_lo
FROM properties AS p WHERE p.hierarchyid IN ({ids})
UNION ALL
SELECT 0, p.hierarchyid, p.tag, p.type, 0, p.val_ulong, CAST(p.val_string AS BINARY),
       p.val_binary, p.val_double, p.val_longint, p.val_hi, p.val_lo
FROM hierarchy AS c JOIN properties AS p ON p.hierarchyid = c.id WHERE c.parent IN ({ids})
UNION ALL
SELECT 1, v.hierarchyid, v.tag, v.type, v.orderid, v.val_ulong, CAST(v.val_string AS BINARY),
       v.val_binary, v.val_double, v.val_longint, v.val_hi, v.val_lo
FROM mvproperties AS v WHERE v.hierarchyid IN ({ids})
UNION ALL
SELECT 1, v.hierarchyid, v.tag, v.type, v.orderid, v.val_ulong, CAST(v.val_string AS BINARY),
       v.val_binary, v.val_double, v.val_longint, v.val_hi, v.val_lo
FROM hierarchy AS c JOIN mvproperties AS v ON v.hierarchyid = c.id WHERE c.parent IN ({ids})
UNION ALL
SELECT 2, i.hierarchyid, i.tag, 258, 0, NULL, NULL, i.val_binary, NULL, NULL, NULL, NULL
FROM indexedproperties AS i WHERE i.hierarchyid IN ({ids})
UNION ALL
SELECT 2, i.hierarchyid, i.tag, 258, 0, NULL, NULL, i.val_binary, NULL, NULL, NULL, NULL
FROM hierarchy AS c JOIN indexedproperties AS i ON i.hierarchyid = c.id WHERE c.parent IN ({ids})
