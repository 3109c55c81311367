-- Tables and columns of the connected database that kgdump looks at (schema detection)
SELECT TABLE_NAME, COLUMN_NAME
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE()
  AND TABLE_NAME IN ('versions', 'settings', 'stores', 'users', 'hierarchy', 'properties', 'mvproperties',
                     'indexedproperties', 'names', 'singleinstances', 'lob', 'receivefolder', 'acl',
                     'object', 'objectproperty')
