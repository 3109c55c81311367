package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.Sha256;
import org.kgmigration.testsupport.RealDataset;

/**
 * The number of statements (= round trips) one folder costs, as docs/performance.md states it:
 * 1 for the folder's properties, 1 page query per hierarchy-flags value present (per 1000
 * messages), 2 per batch and nesting level, and in database storage 1 per batch for the lob chunks
 * of all its attachments, however many there are.
 */
class RoundTripCountTest {
    static long questions(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Questions'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        // dataset, store GUID, folder path, expected statements, why
        "files_v2-de, d522f90309d94872be3832e8afb0e5d3, IPM_SUBTREE/Posteingang, 6, 1 + 1 page + 2 levels x 2",
        "files_v2-de, d522f90309d94872be3832e8afb0e5d3, IPM_SUBTREE/Kalender, 9, 1 + 2 pages (normal + FAI) + 2x2 + 1x2",
        "files_v2-de, d522f90309d94872be3832e8afb0e5d3, IPM_SUBTREE/Journal, 1, empty folder: its properties only",
        "database-lob, 6305660d864e437eb5befa0f3b1e8df2, IPM_SUBTREE/Inbox, 7, 1 + 1 + 2x2 + 1 for the lob chunks of its 4 attachments",
    })
    void a_folder_costs_what_the_performance_notes_say(String name, String guid, String path, long expected, String why)
            throws Exception {
        List<DumpRecord> records = new ArrayList<>();
        assertEquals(expected, statements(Dumps.config(Dumps.dataset(name.trim())), guid.trim(), path.trim(), records), why);
    }

    @Test
    void the_lob_chunks_of_a_batch_cost_one_statement_however_many_attachments_it_has() throws Exception {
        try (RealDataset ds = RealDataset.load(RealDataset.DATABASE_LOB); Connection c = ds.db().connect()) {
            List<Long> messages = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT m.id FROM hierarchy m "
                    + "JOIN properties p ON p.hierarchyid = m.parent AND p.tag = 12289 AND p.val_string = 'Inbox' "
                    + "WHERE m.owner = 3 AND m.type = 5 AND m.flags = 0 ORDER BY m.id")) {
                while (rs.next()) {
                    messages.add(rs.getLong(1));
                }
            }
            assertEquals(9, messages.size(), "gina's Inbox: 9 normal messages");
            // 64 more attachments spread over the messages, their instances numbered against the order
            // in which they are written (the chunks are selected in that order), 1-3 chunks each
            for (int i = 0; i < 64; i++) {
                long att = 5000 + i;
                long inst = 7063 - i;
                EdgeCasesTest.sql(c, "INSERT INTO hierarchy (id, parent, type, flags, owner) VALUES (" + att + ", "
                                + messages.get(i % messages.size()) + ", 7, 0, 3)",
                        "INSERT INTO properties (hierarchyid, tag, type, val_ulong) VALUES (" + att + ", 14085, 3, 1)",
                        "INSERT INTO singleinstances (instanceid, hierarchyid, tag, filename) VALUES (" + inst + ", " + att
                                + ", 14081, '')");
                for (int chunk = 0; chunk <= i % 3; chunk++) {
                    EdgeCasesTest.sql(c, "INSERT INTO lob (instanceid, chunkid, tag, val_binary) VALUES (" + inst + ", "
                            + chunk + ", 14081, REPEAT('[" + inst + "." + chunk + "]', " + (1 + 20_000 * chunk) + "))");
                }
            }
            SourceConfig cfg = Dumps.config(ds);
            String guid = "6305660d864e437eb5befa0f3b1e8df2";
            List<DumpRecord> records = new ArrayList<>();
            assertEquals(7, statements(cfg, guid, "IPM_SUBTREE/Inbox", records), "4 + 64 attachments, 1 lob statement");
            List<String> expected = expectedData(c, messages);
            // the Inbox's own 4 attachments: 3 with data, 1 with an embedded message (whose attachment has data too)
            assertEquals(67, expected.stream().filter(Objects::nonNull).count());
            assertEquals(expected, dumpedData(records));

            // a copy of an attachment of the first message in the last one shares its instance
            // (single-instance storage): its data is read again, by a statement of its own
            EdgeCasesTest.sql(c, "INSERT INTO hierarchy (id, parent, type, flags, owner) VALUES (5100, "
                            + messages.get(messages.size() - 1) + ", 7, 0, 3)",
                    "INSERT INTO properties (hierarchyid, tag, type, val_ulong) VALUES (5100, 14085, 3, 1)",
                    "INSERT INTO singleinstances (instanceid, hierarchyid, tag, filename) VALUES (7063, 5100, 14081, '')");
            records.clear();
            assertEquals(8, statements(cfg, guid, "IPM_SUBTREE/Inbox", records), "one instance used twice in the batch");
            expected = expectedData(c, messages);
            assertEquals(68, expected.stream().filter(Objects::nonNull).count());
            assertEquals(expected, dumpedData(records));
            String shared = expected.get(expected.size() - 1);
            assertEquals(2, java.util.Collections.frequency(dumpedData(records), shared), "instance 7063 written twice");
        }
    }

    /**
     * The SHA-256 of every attachment of the messages (in id order), read from the database one
     * instance at a time: null for an attachment without data.
     */
    private static List<String> expectedData(Connection c, List<Long> messages) throws Exception {
        List<String> out = new ArrayList<>();
        for (long m : messages) {
            List<Long> instances = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT si.instanceid FROM hierarchy a LEFT JOIN singleinstances si "
                    + "ON si.hierarchyid = a.id AND si.tag = 14081 WHERE a.parent = ? AND a.type = 7 ORDER BY a.id")) {
                ps.setLong(1, m);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long i = rs.getLong(1);
                        instances.add(rs.wasNull() ? null : i);
                    }
                }
            }
            for (Long i : instances) {
                MessageDigest sha = Sha256.digest();
                long n = 0;
                if (i != null) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT val_binary FROM lob WHERE instanceid = ? "
                            + "ORDER BY tag, chunkid")) {
                        ps.setLong(1, i);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                byte[] b = rs.getBytes(1);
                                sha.update(b);
                                n += b.length;
                            }
                        }
                    }
                }
                out.add(n == 0 ? null : HexFormat.of().formatHex(sha.digest()));
            }
        }
        return out;
    }

    /** The SHA-256 of the data of the top-level messages' attachments, in the order of the dump. */
    private static List<String> dumpedData(List<DumpRecord> records) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        for (DumpRecord r : records) {
            if (r instanceof DumpRecord.Message) {
                depth++;
            } else if (r instanceof DumpRecord.MessageEnd) {
                depth--;
            } else if (r instanceof DumpRecord.AttachmentEnd e && depth == 1) {
                assertFalse(e.missing(), e.problem());
                out.add(e.sha256());
            }
        }
        return out;
    }

    private static long statements(SourceConfig cfg, String guid, String path, List<DumpRecord> records) throws Exception {
        KopanoSource src = KopanoSource.open(cfg, true);
        StoreInfo store = src.stores().stream().filter(s -> s.guid().equals(guid)).findFirst().orElseThrow();
        // one batch per flags value, so that the count does not depend on message sizes
        DumpOptions opts = DumpOptions.defaults().withBatches(1000, 1L << 40, 1000);
        ReadContext ctx = new ReadContext(src.schema(), src.names(), src.directory(), src.attachments(), opts,
                DumpListener.NONE);
        try (Connection c = src.connector().snapshot()) {
            FolderTree tree = FolderTree.load(c, List.of(store.hid())).get(store.hid());
            FolderTree.census(c, List.of(tree));
            FolderNode folder = tree.all().stream().filter(f -> pathOf(f).equals(path)).findFirst().orElseThrow();
            FolderReader r = new FolderReader(c, ctx, new StoreContext(store, tree, Map.of(), Map.of(), new Tally()));
            long before = questions(c);
            r.dump(folder, records::add);
            long after = questions(c);
            assertEquals(folder.id(), ((DumpRecord.FolderEnd) records.get(records.size() - 1)).id());
            return after - before - 1; // - the SHOW STATUS that read 'before'
        }
    }

    private static String pathOf(FolderNode f) {
        if (f.parent == null) {
            return "";
        }
        return f.parent.parent == null ? f.name : pathOf(f.parent) + "/" + f.name;
    }
}
