-- Permissions on the given stores/folders
SELECT hierarchy_id, id, type, rights FROM acl WHERE hierarchy_id IN ({ids})
