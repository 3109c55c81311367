-- The receive-folder table of one store
SELECT CAST(messageclass AS BINARY) AS messageclass, objid FROM receivefolder WHERE storeid = ?
