package org.kgmigration.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.error.KgmException;

class JournalTest {
    @TempDir
    Path tmp;

    @Test
    void batches_finished_out_of_order_are_remembered_across_runs() {
        Path f = tmp.resolve("j");
        try (Journal j = Journal.open(f, "fp1")) {
            assertFalse(j.resumed());
            j.batch("s1", 0, 10, "k09");
            j.batch("s1", 2, 10, "k29");
            j.batch("s1", 1, 10, "k19");
            j.batch("s1", 4, 10, "k49");
            j.complete("s2", "u@example.org");
        }
        try (Journal j = Journal.open(f, "fp1")) {
            assertTrue(j.resumed());
            assertEquals("", j.batchDone("s1", 0), "below the watermark: done, key no longer kept");
            assertEquals("k29", j.batchDone("s1", 2));
            assertNull(j.batchDone("s1", 3));
            assertEquals("k49", j.batchDone("s1", 4));
            assertEquals(3, j.doneBelow("s1"));
            assertTrue(j.storeComplete("s2"));
            assertFalse(j.storeComplete("s1"));
        }
    }

    @Test
    void a_line_cut_short_by_a_kill_is_dropped_and_the_batch_sent_again() throws Exception {
        Path f = tmp.resolve("j");
        try (Journal j = Journal.open(f, "fp")) {
            j.batch("s1", 0, 10, "k09");
        }
        Files.writeString(f, "B s1 1 10 k1", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (Journal j = Journal.open(f, "fp")) {
            assertNull(j.batchDone("s1", 1));
            j.batch("s1", 1, 10, "k19");
        }
        try (Journal j = Journal.open(f, "fp")) {
            assertEquals("k19", j.batchDone("s1", 1));
        }
        assertTrue(Files.readString(f).endsWith("B s1 1 10 k19\n"), Files.readString(f));
    }

    @Test
    void another_dump_starts_a_new_journal_and_keeps_the_old_one_aside() throws Exception {
        Path f = tmp.resolve("j");
        try (Journal j = Journal.open(f, "fp1")) {
            j.complete("s1", "u@example.org");
        }
        try (Journal j = Journal.open(f, "fp2")) {
            assertFalse(j.resumed());
            assertFalse(j.storeComplete("s1"));
        }
        assertTrue(Files.readString(tmp.resolve("j.old")).contains("C s1"));
        Files.writeString(f, "garbage line\n", StandardOpenOption.APPEND);
        assertThrows(KgmException.class, () -> Journal.open(f, "fp2"));
    }

    @Test
    void a_new_dump_of_the_same_source_keeps_only_the_completed_stores() throws Exception {
        Path f = tmp.resolve("j");
        try (Journal j = Journal.open(f, "src", "dump1")) {
            j.complete("s1", "u@example.org");
            j.batch("s2", 0, 10, "k09");
        }
        try (Journal j = Journal.open(f, "src", "dump2")) {
            assertTrue(j.storeComplete("s1"));
            assertNull(j.batchDone("s2", 0), "batches of another dump do not apply");
        }
        try (Journal j = Journal.open(f, "src", "dump2")) {
            assertTrue(j.resumed());
            assertTrue(j.storeComplete("s1"), "kept in the new journal");
        }
        try (Journal j = Journal.open(f, "other-source", "dump2")) {
            assertFalse(j.storeComplete("s1"));
        }
    }
}
