-- The data of one attachment instance in database storage, chunk by chunk
SELECT val_binary FROM lob WHERE instanceid = ? ORDER BY chunkid
