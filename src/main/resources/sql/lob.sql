-- The data of a batch's attachment instances in database storage, chunk by chunk, streamed by one
-- statement (LobReader). The instances come in the order the dump writes them: the order token is
-- FIELD(instanceid, <the ids>), or instanceid when the ids ascend, which is the primary key's order
-- (instanceid, tag, chunkid) and needs no sort. An instance has all its chunks under one tag (the
-- reader checks that).
SELECT instanceid, tag, val_binary FROM lob WHERE instanceid IN ({ids}) ORDER BY {order}, tag, chunkid
