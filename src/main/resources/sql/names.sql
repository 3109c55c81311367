-- The named-property map: property id 0x8501 + id
SELECT id, nameid, CAST(namestring AS BINARY) AS namestring, guid FROM names
