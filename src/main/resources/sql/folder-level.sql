-- One level of the folder tree: the folders below the given objects, with their entry id, source key
-- and display name (two rows per folder: one per indexed property)
SELECT h.id, h.parent, h.flags, i.tag, i.val_binary, CAST(dn.val_string AS BINARY) AS display_name
FROM hierarchy AS h
LEFT JOIN indexedproperties AS i ON i.hierarchyid = h.id
LEFT JOIN properties AS dn ON dn.hierarchyid = h.id AND dn.tag = 12289 AND dn.type IN (30, 31)
WHERE h.parent IN ({ids}) AND h.type = 3
