-- Store objects whose stores row was removed (kopano-storeadm -R), waiting for the soft-delete purge
SELECT COUNT(*)
FROM hierarchy AS h
LEFT JOIN stores AS s ON s.hierarchy_id = h.id
WHERE h.parent IS NULL AND h.type = 1 AND s.hierarchy_id IS NULL
