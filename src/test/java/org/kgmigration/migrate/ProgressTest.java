package org.kgmigration.migrate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void a_terminal_gets_a_bar_redrawn_in_place_and_a_log_gets_plain_lines() throws Exception {
        ByteArrayOutputStream tty = new ByteArrayOutputStream();
        try (Progress p = new Progress(new PrintStream(tty, true, StandardCharsets.UTF_8), true, 1000, () -> 500, 1).start()) {
            p.messages.set(42);
            p.store("anna -> anna@example.org");
            Thread.sleep(1300);
        }
        String t = tty.toString(StandardCharsets.UTF_8);
        assertTrue(t.contains("\r[############            ]  50.0% read"), t);
        assertTrue(t.contains("42 messages") && t.contains("anna -> anna@example.org"), t);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Progress plain = new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false, -1, () -> 2L << 20, 1).start();
        try (plain) {
            Thread.sleep(1300);
        }
        String l = log.toString(StandardCharsets.UTF_8);
        assertTrue(l.startsWith("progress: read 2.0 MiB, 0 messages"), l);
        assertTrue(!l.contains("\r") && !l.contains("%"), l);
    }

    @Test
    void a_log_run_shorter_than_the_interval_still_ends_with_one_progress_line() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false, -1, () -> 3L << 20, 30).start();
        p.messages.set(300);
        p.close();
        p.close();
        String l = log.toString(StandardCharsets.UTF_8);
        assertTrue(l.startsWith("progress: read 3.0 MiB, 300 messages"), l);
        assertTrue(l.indexOf("progress: ") == l.lastIndexOf("progress: "), "one line, also when closed twice: " + l);
    }
}
