-- All properties of a batch of messages and of their children (recipients, attachments):
-- single-valued (kind 0), multi-valued (kind 1) and indexed (kind 2). Strings as their stored bytes.
-- The literals are CAST AS UNSIGNED: a signed literal in a UNION with the unsigned columns makes
-- MariaDB send those columns as DECIMAL, which the driver decodes through BigDecimal on every row.
SELECT CAST(0 AS UNSIGNED) AS kind, p.hierarchyid, p.tag, p.type, CAST(0 AS UNSIGNED) AS orderid, p.val_ulong, CAST(p.val_string AS BINARY) AS val_string,
       p.val_binary, p.val_double, p.val_longint, p.val_hi, p.val_lo
FROM properties AS p WHERE p.hierarchyid IN ({ids})
UNION ALL
SELECT CAST(0 AS UNSIGNED), p.hierarchyid, p.tag, p.type, CAST(0 AS UNSIGNED), p.val_ulong, CAST(p.val_string AS BINARY),
       p.val_binary, p.val_double, p.val_longint, p.val_hi, p.val_lo
FROM hierarchy AS c JOIN properties AS p ON p.hierarchyid = c.id WHERE c.parent IN ({ids})
UNION ALL
SELECT CAST(1 AS UNSIGNED), v.hierarchyid, v.tag, v.type, v.orderid, v.val_ulong, CAST(v.val_string AS BINARY),
       v.val_binary, v.val_double, v.val_longint, v.val_hi, v.val_lo
FROM mvproperties AS v WHERE v.hierarchyid IN ({ids})
UNION ALL
SELECT CAST(1 AS UNSIGNED), v.hierarchyid, v.tag, v.type, v.orderid, v.val_ulong, CAST(v.val_string AS BINARY),
       v.val_binary, v.val_double, v.val_longint, v.val_hi, v.val_lo
FROM hierarchy AS c JOIN mvproperties AS v ON v.hierarchyid = c.id WHERE c.parent IN ({ids})
UNION ALL
SELECT CAST(2 AS UNSIGNED), i.hierarchyid, i.tag, CAST(258 AS UNSIGNED), CAST(0 AS UNSIGNED),
       CAST(NULL AS UNSIGNED), NULL, i.val_binary, NULL, NULL, NULL, CAST(NULL AS UNSIGNED)
FROM indexedproperties AS i WHERE i.hierarchyid IN ({ids})
UNION ALL
SELECT CAST(2 AS UNSIGNED), i.hierarchyid, i.tag, CAST(258 AS UNSIGNED), CAST(0 AS UNSIGNED),
       CAST(NULL AS UNSIGNED), NULL, i.val_binary, NULL, NULL, NULL, CAST(NULL AS UNSIGNED)
FROM hierarchy AS c JOIN indexedproperties AS i ON i.hierarchyid = c.id WHERE c.parent IN ({ids})
