-- Every store row with the flags of its hierarchy object (user_name is utf8: read its bytes)
SELECT s.hierarchy_id, s.guid, s.type, s.user_id, CAST(s.user_name AS BINARY) AS user_name, s.company,
       h.flags, h.id IS NOT NULL AS has_object
FROM stores AS s
LEFT JOIN hierarchy AS h ON h.id = s.hierarchy_id
ORDER BY s.hierarchy_id
