package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kgmigration.testsupport.TestDatabase;

/**
 * {@link LobReader} on a real {@code lob} table: one streamed statement for a batch's instances in
 * the order they are asked for, whatever their ids, and a new statement only where the running one
 * cannot serve (an instance asked for again, one that was not planned, more than
 * {@link LobReader#MAX_IDS}).
 */
class LobReaderTest {
    static TestDatabase db;
    static Connection c;

    @BeforeAll
    static void table() throws Exception {
        db = TestDatabase.create("lobreader");
        c = db.connect();
        EdgeCasesTest.sql(c, "CREATE TABLE lob (instanceid INT(11) UNSIGNED NOT NULL, chunkid SMALLINT(6) UNSIGNED NOT NULL, "
                + "tag SMALLINT(6) UNSIGNED NOT NULL, val_binary LONGBLOB, PRIMARY KEY (instanceid, tag, chunkid)) "
                + "ENGINE=InnoDB");
        // instances 1..1200 with one chunk "i<id>"; 2000 with three chunks (inserted out of order)
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lob VALUES (?, ?, 14081, ?)")) {
            for (int i = 1; i <= 1200; i++) {
                ps.setInt(1, i);
                ps.setInt(2, 0);
                ps.setBytes(3, ("i" + i).getBytes(StandardCharsets.US_ASCII));
                ps.addBatch();
            }
            for (int chunk : new int[] {2, 0, 1}) {
                ps.setInt(1, 2000);
                ps.setInt(2, chunk);
                ps.setBytes(3, ("<" + chunk + ">").repeat(1 + chunk * 1000).getBytes(StandardCharsets.US_ASCII));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        EdgeCasesTest.sql(c,
                // a NULL first chunk; a NULL second chunk; chunks under two tags
                "INSERT INTO lob VALUES (3000, 0, 14081, NULL), (3000, 1, 14081, 'x')",
                "INSERT INTO lob VALUES (3001, 0, 14081, 'ab'), (3001, 1, 14081, NULL)",
                "INSERT INTO lob VALUES (3002, 0, 14081, 'ab'), (3002, 0, 14082, 'cd')");
    }

    @AfterAll
    static void drop() throws SQLException {
        c.close();
        db.close();
    }

    static String expected(long id) {
        if (id == 2000) {
            return "<0>" + "<1>".repeat(1001) + "<2>".repeat(2001);
        }
        return "i" + id;
    }

    static String read(LobReader r, long id) throws Exception {
        List<String> tried = new ArrayList<>();
        AttachmentReader.Opened o = r.open(id, tried);
        assertEquals(List.of("lob instance " + id), tried);
        if (o == null) {
            return null;
        }
        assertEquals("lob instance " + id, o.location());
        try (InputStream in = o.in()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void a_planned_batch_is_one_statement_whatever_the_order_of_the_ids() throws Exception {
        List<Long> plan = List.of(7L, 2000L, 3L, 900L, 5L, 1L, 4444L, 1200L);
        try (LobReader r = new LobReader(c, plan)) {
            for (long id : plan) {
                assertEquals(id == 4444 ? null : expected(id), read(r, id), "instance " + id);
            }
            assertEquals(1, r.statements());
        }
        List<Long> ascending = List.of(1L, 2L, 2000L, 4444L);
        try (LobReader r = new LobReader(c, ascending)) {
            for (long id : ascending) {
                assertEquals(id == 4444 ? null : expected(id), read(r, id), "instance " + id);
            }
            assertEquals(1, r.statements());
        }
    }

    @Test
    void instances_that_are_not_asked_for_or_not_read_to_the_end_are_skipped() throws Exception {
        try (LobReader r = new LobReader(c, List.of(2000L, 8L, 9L, 10L))) {
            List<String> tried = new ArrayList<>();
            AttachmentReader.Opened o = r.open(2000, tried);
            assertEquals('<', o.in().read()); // then dropped half-read
            o.in().close();
            assertEquals(expected(10), read(r, 10)); // 8 and 9 were found elsewhere
            assertEquals(1, r.statements());
        }
    }

    @Test
    void an_instance_asked_for_again_or_not_planned_starts_a_new_statement() throws Exception {
        // single instance: 5 serves the first and the third attachment
        try (LobReader r = new LobReader(c, List.of(5L, 6L, 5L, 7L))) {
            assertEquals(expected(5), read(r, 5));
            assertEquals(expected(6), read(r, 6));
            assertEquals(expected(5), read(r, 5));
            assertEquals(expected(7), read(r, 7));
            assertEquals(2, r.statements());
        }
        // the lob table as the fallback for a missing file: 11 was not planned
        try (LobReader r = new LobReader(c, List.of(12L, 13L))) {
            assertEquals(expected(12), read(r, 12));
            assertEquals(expected(11), read(r, 11));
            assertEquals(expected(13), read(r, 13));
            assertEquals(2, r.statements());
        }
        try (LobReader r = new LobReader(c, List.of())) {
            assertEquals(expected(2000), read(r, 2000));
            assertNull(read(r, 4444));
            assertEquals(2, r.statements());
        }
    }

    @Test
    void a_statement_covers_at_most_max_ids_instances() throws Exception {
        List<Long> plan = new ArrayList<>();
        for (long i = 1200; i >= 1; i--) {
            plan.add(i);
        }
        try (LobReader r = new LobReader(c, plan)) {
            for (long id : plan) {
                assertEquals(expected(id), read(r, id));
            }
            assertEquals((plan.size() + LobReader.MAX_IDS - 1) / LobReader.MAX_IDS, r.statements());
        }
    }

    @Test
    void broken_chunks_are_named_and_the_batch_goes_on() throws Exception {
        try (LobReader r = new LobReader(c, List.of(3000L, 3001L, 3002L, 20L))) {
            List<String> tried = new ArrayList<>();
            AttachmentReader.Opened nullFirst = r.open(3000, tried);
            assertNull(nullFirst.in());
            assertEquals("lob instance 3000 chunk 0 is NULL", nullFirst.problem());
            AttachmentReader.Opened nullSecond = r.open(3001, tried);
            assertNotNull(nullSecond.in());
            byte[] buf = new byte[10];
            assertEquals(2, nullSecond.in().read(buf));
            assertArrayEquals(new byte[] {'a', 'b'}, java.util.Arrays.copyOf(buf, 2));
            IOException e = assertThrows(IOException.class, () -> nullSecond.in().read(buf));
            assertEquals("lob instance 3001 chunk 1 is NULL", e.getMessage());
            AttachmentReader.Opened twoTags = r.open(3002, tried);
            IOException t = assertThrows(IOException.class, () -> twoTags.in().readAllBytes());
            assertEquals("lob instance 3002 has chunks under two tags (14081, 14082)", t.getMessage());
            assertTrue(tried.size() == 3);
            assertEquals(expected(20), read(r, 20));
            assertEquals(1, r.statements());
        }
    }
}
