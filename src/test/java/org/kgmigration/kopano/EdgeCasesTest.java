package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.StoreSelector;
import org.kgmigration.testsupport.RealDataset;
import org.kgmigration.testsupport.TestDatabase;

/**
 * What the real datasets do not contain: every value type and its edge values, broken and unnamed
 * rows, invalid UTF-8, distribution-list recipients, missing attachment data, and every source
 * error. Works on private restored copies that the test changes with SQL.
 */
class EdgeCasesTest {
    /** gina's plain message in the database-lob dataset: hierarchy id and source key. */
    static final long MSG = 62;
    static final String MSG_ID = "748a193bb31640fbbbcb1300bbe0fc04390000000000";
    static final String GINA = "gina@example.net";

    static void sql(Connection c, String... statements) throws Exception {
        try (Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    private static DumpTree.MsgT message(DumpTree t, String id) {
        return t.allTopMessages().stream().filter(m -> m.rec.id().equals(id)).findFirst().orElseThrow();
    }

    private static Object value(List<Prop> props, int tag) {
        Prop p = DumpTree.find(props, tag);
        return p == null ? null : p.value();
    }

    @Test
    void every_property_type_decodes_as_mapi_defines_it() throws Exception {
        try (RealDataset ds = RealDataset.load(RealDataset.DATABASE_LOB); Connection c = ds.db().connect()) {
            String p = "INSERT INTO properties (hierarchyid, tag, type, val_ulong, val_string, val_binary, val_double, "
                    + "val_longint, val_hi, val_lo) VALUES ";
            String mv = "INSERT INTO mvproperties (hierarchyid, tag, type, orderid, val_ulong, val_string, val_binary, "
                    + "val_double, val_longint, val_hi, val_lo) VALUES ";
            // invalid UTF-8 cannot be inserted into a utf8mb4 column, but old non-strict servers stored such bytes
            sql(c, "ALTER TABLE properties MODIFY val_string LONGBLOB");
            sql(c,
                p + "(62, 28417, 3, 4294967295, NULL, NULL, NULL, NULL, NULL, NULL)", // 0x6F01 PT_LONG
                p + "(62, 28418, 2, 65535, NULL, NULL, NULL, NULL, NULL, NULL)", // 0x6F02 PT_SHORT
                p + "(62, 28419, 4, NULL, NULL, NULL, 1.5, NULL, NULL, NULL)", // 0x6F03 PT_FLOAT
                p + "(62, 28420, 6, NULL, NULL, NULL, NULL, NULL, -1, 4294967295)", // 0x6F04 PT_CURRENCY
                p + "(62, 28421, 7, NULL, NULL, NULL, 45000.25, NULL, NULL, NULL)", // 0x6F05 PT_APPTIME
                p + "(62, 28422, 20, NULL, NULL, NULL, NULL, -5, NULL, NULL)", // 0x6F06 PT_I8
                p + "(62, 28423, 72, NULL, NULL, X'00112233445566778899AABBCCDDEEFF', NULL, NULL, NULL, NULL)",
                p + "(62, 28424, 64, NULL, NULL, NULL, NULL, NULL, 30000000, 2147483648)", // 0x6F08 PT_SYSTIME
                p + "(62, 28425, 30, NULL, X'41C328', NULL, NULL, NULL, NULL, NULL)", // 0x6F09 invalid UTF-8
                p + "(62, 28426, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL)", // 0x6F0A NULL: broken
                p + "(62, 33792, 3, 1, NULL, NULL, NULL, NULL, NULL, NULL)", // 0x8400: no name possible
                p + "(62, 61440, 3, 1, NULL, NULL, NULL, NULL, NULL, NULL)", // 0xF000: no names row
                p + "(62, 28427, 31, NULL, 'unicode', NULL, NULL, NULL, NULL, NULL)", // 0x6F0B twice
                p + "(62, 28427, 30, NULL, 'string8', NULL, NULL, NULL, NULL, NULL)",
                p + "(62, 28428, 11, 7, NULL, NULL, NULL, NULL, NULL, NULL)", // 0x6F0C PT_BOOLEAN count
                p + "(62, 28429, 13, 1, NULL, NULL, NULL, NULL, NULL, NULL)", // 0x6F0D PT_OBJECT: never stored
                p + "(62, 28430, 30, NULL, '', NULL, NULL, NULL, NULL, NULL)", // 0x6F0E empty string
                p + "(62, 32776, 31, NULL, 'Ort', NULL, NULL, NULL, NULL, NULL)", // 0x8008 fixed map
                mv + "(62, 28432, 4099, 1, 4294967294, NULL, NULL, NULL, NULL, NULL, NULL)", // 0x6F10 MV LONG
                mv + "(62, 28432, 4099, 0, 1, NULL, NULL, NULL, NULL, NULL, NULL)",
                mv + "(62, 28433, 4126, 0, NULL, 'a', NULL, NULL, NULL, NULL, NULL)", // 0x6F11 MV STRING8
                mv + "(62, 28433, 4126, 1, NULL, 'bä', NULL, NULL, NULL, NULL, NULL)",
                mv + "(62, 28434, 4160, 0, NULL, NULL, NULL, NULL, NULL, 1, 2)", // 0x6F12 MV SYSTIME
                mv + "(62, 28435, 4354, 0, NULL, NULL, X'', NULL, NULL, NULL, NULL)", // 0x6F13 MV BINARY
                mv + "(62, 28435, 4354, 1, NULL, NULL, X'ABCD', NULL, NULL, NULL, NULL)",
                mv + "(62, 28436, 4102, 0, NULL, NULL, NULL, NULL, NULL, -2, 5)", // 0x6F14 MV CURRENCY
                mv + "(62, 28437, 4100, 0, NULL, NULL, NULL, 0.5, NULL, NULL, NULL)", // 0x6F15 MV FLOAT
                mv + "(62, 28438, 4101, 0, NULL, NULL, NULL, 2.25, NULL, NULL, NULL)", // 0x6F16 MV DOUBLE
                mv + "(62, 28439, 4116, 0, NULL, NULL, NULL, NULL, -7, NULL, NULL)", // 0x6F17 MV I8
                mv + "(62, 28440, 4098, 0, 65535, NULL, NULL, NULL, NULL, NULL, NULL)", // 0x6F18 MV SHORT
                mv + "(62, 28441, 4168, 0, NULL, NULL, X'FFEEDDCCBBAA99887766554433221100', NULL, NULL, NULL, NULL)",
                mv + "(62, 28442, 4103, 0, NULL, NULL, NULL, 1.75, NULL, NULL, NULL)", // 0x6F1A MV APPTIME
                // a distribution-list recipient (hierarchy type 8) with its entry id under 0x6710
                "INSERT INTO hierarchy (id, parent, type, flags, owner) VALUES (900, 62, 8, 0, 3)",
                p + "(900, 12289, 30, NULL, 'Team', NULL, NULL, NULL, NULL, NULL)",
                p + "(900, 26384, 258, NULL, NULL, X'0102', NULL, NULL, NULL, NULL)",
                p + "(900, 3093, 3, 1, NULL, NULL, NULL, NULL, NULL, NULL)");
            DumpTree t = Dumps.dump(Dumps.config(ds), DumpOptions.defaults(),
                    new StoreSelector(List.of(GINA), List.of(), false, List.of(), List.of()));
            List<Prop> m = message(t, MSG_ID).rec.props();
            assertEquals(-1, value(m, 0x6F010003));
            assertEquals(-1, value(m, 0x6F020002));
            assertEquals(1.5f, value(m, 0x6F030004));
            assertEquals(-1L, value(m, 0x6F040006));
            assertEquals(45000.25, value(m, 0x6F050007));
            assertEquals(-5L, value(m, 0x6F060014));
            assertArrayEquals(HexFormat.of().parseHex("00112233445566778899aabbccddeeff"), (byte[]) value(m, 0x6F070048));
            assertEquals((30000000L << 32) | 2147483648L, value(m, 0x6F080040));
            assertEquals("A\uFFFD(", value(m, 0x6F09001F));
            assertNull(value(m, 0x6F0A0003));
            assertTrue(m.stream().noneMatch(x -> x.id() == 0x8400 || x.id() == 0xF000));
            assertEquals(1, m.stream().filter(x -> x.id() == 0x6F0B).count());
            assertEquals(Boolean.TRUE, value(m, 0x6F0C000B));
            assertTrue(m.stream().noneMatch(x -> x.id() == 0x6F0D));
            assertEquals("", value(m, 0x6F0E001F));
            Prop named = DumpTree.find(m, 0x8008001F);
            assertEquals("Ort", named.value());
            assertEquals("{00062002-0000-0000-C000-000000000046}", named.name().guidText());
            assertEquals(0x8208L, named.name().lid());
            assertEquals(List.of(1, -2), value(m, 0x6F101003));
            assertEquals(List.of("a", "bä"), value(m, 0x6F11101F));
            assertEquals(List.of((1L << 32) | 2), value(m, 0x6F121040));
            @SuppressWarnings("unchecked")
            List<byte[]> bins = (List<byte[]>) value(m, 0x6F131102);
            assertEquals(0, bins.get(0).length);
            assertArrayEquals(new byte[] {(byte) 0xAB, (byte) 0xCD}, bins.get(1));
            assertEquals(List.of((-2L << 32) | 5), value(m, 0x6F141006));
            assertEquals(List.of(0.5f), value(m, 0x6F151004));
            assertEquals(List.of(2.25), value(m, 0x6F161005));
            assertEquals(List.of(-7L), value(m, 0x6F171014));
            assertEquals(List.of(-1), value(m, 0x6F181002));
            assertEquals(1, ((List<?>) value(m, 0x6F191048)).size());
            assertEquals(List.of(1.75), value(m, 0x6F1A1007));
            Map<String, Long> skipped = t.trailer.total().skipped();
            assertEquals(1L, skipped.get(Tally.INVALID_UTF8));
            assertEquals(1L, skipped.get(Tally.BROKEN_PROPERTY));
            assertEquals(2L, skipped.get(Tally.UNNAMED_PROPERTY));
            assertEquals(1L, skipped.get(Tally.DUPLICATE_PROPERTY));
            assertEquals(1L, skipped.get(Tally.UNSUPPORTED_TYPE));
            assertTrue(Tally.hasProblems(t.trailer.total()));
            List<List<Prop>> rcpts = message(t, MSG_ID).rec.recipients();
            assertEquals(2, rcpts.size());
            List<Prop> dl = rcpts.get(1);
            assertEquals(8, value(dl, 0x0FFE0003));
            assertArrayEquals(new byte[] {1, 2}, (byte[]) value(dl, 0x0FFF0102));
            assertNull(value(dl, 0x67100102));
            assertEquals("Team", value(dl, 0x3001001F));
            assertEquals(1, value(dl, 0x30000003)); // PR_ROWID numbered when not stored
        }
    }

    @Test
    void missing_attachment_data_is_flagged_counted_and_fatal_with_strict() throws Exception {
        try (RealDataset ds = RealDataset.load(RealDataset.DATABASE_LOB); Connection c = ds.db().connect()) {
            String p = "INSERT INTO properties (hierarchyid, tag, type, val_ulong, val_string) VALUES ";
            sql(c, "INSERT INTO hierarchy (id, parent, type, flags, owner) VALUES (901, 62, 7, 0, 3), (902, 62, 7, 0, 3), "
                            + "(903, 62, 7, 0, 3)",
                    p + "(901, 14085, 3, 1, NULL)", p + "(901, 14087, 30, NULL, 'no-row.bin')",
                    p + "(902, 14085, 3, 1, NULL)", p + "(902, 14087, 30, NULL, 'no-lob.bin')",
                    p + "(903, 14085, 3, 5, NULL)",
                    "INSERT INTO singleinstances (instanceid, hierarchyid, tag, filename) VALUES (999, 902, 14081, '')",
                    // a lob instance with a broken (NULL) second chunk is cut short
                    "INSERT INTO hierarchy (id, parent, type, flags, owner) VALUES (904, 62, 7, 0, 3)",
                    p + "(904, 14085, 3, 1, NULL)",
                    "INSERT INTO singleinstances (instanceid, hierarchyid, tag, filename) VALUES (998, 904, 14081, '')",
                    "INSERT INTO lob (instanceid, chunkid, tag, val_binary) VALUES (998, 0, 14081, X'0102'), "
                            + "(998, 1, 14081, NULL)");
            StoreSelector gina = new StoreSelector(List.of(GINA), List.of(), false, List.of(), List.of());
            DumpTree t = Dumps.dump(Dumps.config(ds), DumpOptions.defaults(), gina);
            DumpTree.MsgT m = message(t, MSG_ID);
            assertEquals(4, m.attachments.size());
            DumpRecord.AttachmentEnd noRow = m.attachments.get(0).end;
            assertTrue(noRow.missing());
            assertTrue(noRow.problem().contains("no singleinstances row"), noRow.problem());
            DumpRecord.AttachmentEnd noLob = m.attachments.get(1).end;
            assertTrue(noLob.missing());
            assertTrue(noLob.problem().contains("instance 999 not found") && noLob.problem().contains("lob instance 999"),
                    noLob.problem());
            DumpRecord.AttachmentEnd noEmbedded = m.attachments.get(2).end;
            assertTrue(noEmbedded.missing());
            assertTrue(noEmbedded.problem().contains("embedded message is missing"), noEmbedded.problem());
            DumpRecord.AttachmentEnd cut = m.attachments.get(3).end;
            assertTrue(cut.missing());
            assertTrue(cut.problem().contains("chunk 1 is NULL"), cut.problem());
            assertEquals(4, t.trailer.total().missingAttachments());
            assertEquals(0, (Integer) DumpTree.find(m.attachments.get(0).rec.props(), 0x0E210003).value());
            // the rest of the store is complete
            assertEquals(17 + 1, t.trailer.total().messages() + t.trailer.total().associated());
            SourceException e = assertThrows(SourceException.class,
                    () -> Dumps.dump(Dumps.config(ds), DumpOptions.defaults().withStrict(true), gina));
            assertTrue(e.getMessage().contains("no-row.bin") && e.getMessage().contains("--strict"), e.getMessage());
        }
    }

    @Test
    void a_database_that_is_not_kopano_or_too_old_is_refused() throws Exception {
        try (TestDatabase empty = TestDatabase.create("empty")) {
            SourceException e = assertThrows(SourceException.class,
                    () -> KopanoSource.open(Dumps.config(empty.name(), null), true));
            assertTrue(e.getMessage().contains("is not a Kopano database"), e.getMessage());
        }
        try (RealDataset ds = RealDataset.load(RealDataset.DATABASE_LOB); Connection c = ds.db().connect()) {
            sql(c, "UPDATE versions SET databaserevision = 62");
            SourceException e = assertThrows(SourceException.class, () -> KopanoSource.open(Dumps.config(ds), true));
            assertTrue(e.getMessage().contains("schema revision 62; kgdump needs revision 63"), e.getMessage());
            sql(c, "DELETE FROM versions");
            e = assertThrows(SourceException.class, () -> KopanoSource.open(Dumps.config(ds), true));
            assertTrue(e.getMessage().contains("empty versions table"), e.getMessage());
            sql(c, "DROP TABLE lob");
            e = assertThrows(SourceException.class, () -> KopanoSource.open(Dumps.config(ds), true));
            assertTrue(e.getMessage().contains("empty versions table"), e.getMessage());
            sql(c, "DROP TABLE mvproperties");
            e = assertThrows(SourceException.class, () -> KopanoSource.open(Dumps.config(ds), true));
            assertTrue(e.getMessage().contains("not a complete Kopano database: table(s) mvproperties missing"),
                    e.getMessage());
        }
    }

    @Test
    void connection_failures_are_one_line_errors() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SourceConfig closed = new SourceConfig("127.0.0.1", port, null, "kopano", "kopano", "", null,
                SourceConfig.Storage.AUTO, null, null, null);
        SourceException e = assertThrows(SourceException.class, () -> KopanoSource.open(closed, true));
        assertTrue(e.getMessage().startsWith("cannot connect to the database server at 127.0.0.1:" + port + ": "),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        SourceConfig unknownDb = Dumps.config("kgmt_no_such_database", null);
        e = assertThrows(SourceException.class, () -> KopanoSource.open(unknownDb, true));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());

        try (TestDatabase db = TestDatabase.create("pw")) {
            String user = "kgt_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
            try (Connection root = DriverManager.getConnection(TestDatabase.serverUrl(), TestDatabase.user(),
                    TestDatabase.password())) {
                sql(root, "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'right-pw'",
                        "GRANT SELECT ON `" + db.name() + "`.* TO '" + user + "'@'%'");
                try {
                    SourceConfig wrong = new SourceConfig(TestDatabase.host(), TestDatabase.port(), null, db.name(), user,
                            "wrong-pw", null, SourceConfig.Storage.AUTO, null, null, null);
                    e = assertThrows(SourceException.class, () -> KopanoSource.open(wrong, true));
                    assertTrue(e.getMessage().contains("access denied"), e.getMessage());
                    assertTrue(e.getMessage().contains(user), e.getMessage());
                    assertFalse(e.getMessage().contains("wrong-pw"));
                    SourceConfig right = new SourceConfig(TestDatabase.host(), TestDatabase.port(), null, db.name(), user,
                            "right-pw", null, SourceConfig.Storage.AUTO, null, null, null);
                    e = assertThrows(SourceException.class, () -> KopanoSource.open(right, true));
                    assertTrue(e.getMessage().contains("is not a Kopano database"), e.getMessage());
                } finally {
                    sql(root, "DROP USER '" + user + "'@'%'");
                }
            }
        }
    }

    @Test
    void a_files_storage_without_its_directory_is_refused() throws Exception {
        RealDataset ds = Dumps.dataset(RealDataset.FILES_V2_DE);
        SourceConfig missing = new SourceConfig(TestDatabase.host(), TestDatabase.port(), null, ds.db().name(),
                TestDatabase.user(), TestDatabase.password(), ds.attachmentsDir().resolve("nope"),
                SourceConfig.Storage.AUTO, null, null, null);
        SourceException e = assertThrows(SourceException.class, () -> KopanoSource.open(missing, true));
        assertTrue(e.getMessage().contains("nope does not exist") && e.getMessage().contains("files_v2"), e.getMessage());
        // the listing does not need the attachments
        assertNotNull(KopanoSource.open(missing, false).stores());
    }

    @Test
    void search_folders_are_skipped_and_orphan_and_archive_stores_are_typed() throws Exception {
        try (RealDataset ds = RealDataset.load(RealDataset.DATABASE_LOB); Connection c = ds.db().connect()) {
            sql(c, "INSERT INTO hierarchy (id, parent, type, flags, owner) VALUES (910, 8, 3, 2, 3)",
                    "INSERT INTO properties (hierarchyid, tag, type, val_string) VALUES (910, 12289, 30, 'Unread mail')",
                    "UPDATE stores SET user_id = 0 WHERE hierarchy_id = 29",
                    "UPDATE stores SET type = 2 WHERE hierarchy_id = 3");
            DumpTree t = Dumps.dump(Dumps.config(ds), DumpOptions.defaults(), StoreSelector.all());
            DumpTree.StoreT gina = t.store("6305660d864e437eb5befa0f3b1e8df2");
            DumpTree.StoreT hugo = t.store("c3350cf85ff94cd3b26ed29d032c4c04");
            assertEquals("archive", gina.rec.type());
            assertEquals("orphan", hugo.rec.type());
            assertNull(hugo.rec.owner().userId());
            assertNull(hugo.rec.owner().loginName());
            assertEquals("hugo@example.net", hugo.rec.owner().lastOwnerName());
            assertEquals(1L, gina.end.totals().skipped().get(Tally.SEARCH_FOLDER));
            assertTrue(gina.folders.stream().noneMatch(f -> "Unread mail".equals(f.name())));
            assertFalse(Tally.hasProblems(t.trailer.total()));
            // an orphan store is still selected by the name of its last owner
            DumpTree only = Dumps.dump(Dumps.config(ds), DumpOptions.defaults(),
                    new StoreSelector(List.of("hugo@example.net"), List.of(), false, List.of(), List.of()));
            assertEquals(List.of(hugo.rec.guid()), only.stores.stream().map(s -> s.rec.guid()).toList());
        }
    }
}
