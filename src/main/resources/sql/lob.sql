-- The data of one attachment instance in database storage, chunk by chunk. Ordered by the primary
-- key (instanceid, tag, chunkid) so that the server streams the chunks without a filesort; an
-- instance has all its chunks under one tag (the reader checks that).
SELECT val_binary, tag FROM lob WHERE instanceid = ? ORDER BY tag, chunkid
