package org.kgmigration.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.kgmigration.testsupport.Programs;

/**
 * Runs the demo command exactly as README.md's quick start states it and checks its output: the
 * migration report shows every sample mailbox imported, every message sent arrived (imported, and
 * counted by the importer), the importer's stats agree, every message of the dump is accounted
 * for, and nothing is left behind (temporary directory, database server, importer).
 */
class DemoIT {
    /** The stores of the fixture catalog (docs/fixtures.md) and where the demo maps them. */
    static final Set<String> SAMPLE_MAILBOXES = Set.of("anna.schmidt@example.org", "bob@example.org",
            "chen.wei@example.org", "info@example.org", "raum.elbe@example.org", "public@example.org",
            "former.employee@example.org");

    static final Pattern STORE = Pattern.compile("^store ([0-9a-f]{32}) \\((\\w+), (.*)\\) -> (\\S+): (.*)$");
    static final Pattern COUNTS = Pattern.compile("^  folders (\\d+) .*, messages (\\d+) \\(imported (\\d+), already there"
            + " (\\d+)\\), attachments (\\d+), .*$");
    static final Pattern IMPORTER = Pattern.compile("^  importer: (\\d+) folders, (\\d+) messages, (\\d+) attachments, .*$");
    static final Pattern SKIPPED = Pattern.compile("^  skipped (\\d+): (.*)$");
    static final Pattern STATS = Pattern.compile("^(\\S+@\\S+) \\(.*\\): (\\d+) messages, (\\d+) attachments, .*, inactive$");
    static final Pattern DUMPED = Pattern.compile("^kgdump: wrote the dump to standard output: (\\d+) stores, \\d+ folders,"
            + " (\\d+) messages and (\\d+) associated, .*$");

    /** The first command of the README's "Quick start" (the demo). */
    static String demoCommand() throws IOException {
        String readme = Files.readString(Programs.projectDir().resolve("README.md"), StandardCharsets.UTF_8);
        int qs = readme.indexOf("\n## Quick start");
        assertTrue(qs >= 0, "README.md has a '## Quick start' section");
        Matcher m = Pattern.compile("```sh\\n([^\\n#]+?)\\s*(#[^\\n]*)?\\n").matcher(readme.substring(qs));
        assertTrue(m.find(), "the quick start has a ```sh block");
        return m.group(1).trim();
    }

    record Store(String guid, String target, String status, long messages, long imported, long present,
            long attachments, long onImporter, Map<String, Long> skipped) {
    }

    @Test
    void the_readme_demo_migrates_every_sample_mailbox_with_nothing_lost() throws Exception {
        String command = demoCommand();
        assertEquals("scripts/demo.sh", command, "the quick start's first command");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(Programs.projectDir().toFile())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.equals("DEBUG_LEVEL") || k.startsWith("KGDUMP_")
                || k.startsWith("IMPORTER_") || k.equals("E4A_CONFIG") || k.equals("DEMO_KEEP") || k.equals("JAVA_OPTS"));
        Path log = Files.createTempFile("demo-it", ".out");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
            throw new AssertionError("the demo did not finish in 15 minutes: " + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertEquals(0, p.exitValue(), out);

        List<String> lines = out.lines().toList();
        Map<String, Store> stores = new LinkedHashMap<>();
        Map<String, Long> held = new LinkedHashMap<>();
        long dumped = -1;
        Path work = null;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            Matcher s = STORE.matcher(l);
            Matcher st = STATS.matcher(l);
            Matcher d = DUMPED.matcher(l);
            if (l.startsWith("== staging the source and the target in ")) {
                work = Path.of(l.substring("== staging the source and the target in ".length()).replaceAll("\\s+\\[.*$", ""));
            } else if (d.matches()) {
                dumped = Long.parseLong(d.group(2)) + Long.parseLong(d.group(3));
            } else if (st.matches()) {
                held.put(st.group(1), Long.parseLong(st.group(2)));
            } else if (s.matches()) {
                Matcher c = COUNTS.matcher(lines.get(i + 1));
                assertTrue(c.matches(), "counts line after " + l + ": " + lines.get(i + 1));
                Map<String, Long> skipped = new LinkedHashMap<>();
                long onImporter = -1;
                for (int j = i + 2; j < lines.size() && lines.get(j).startsWith("  "); j++) {
                    Matcher sk = SKIPPED.matcher(lines.get(j));
                    Matcher im = IMPORTER.matcher(lines.get(j));
                    assertFalse(lines.get(j).startsWith("  FAILED"), lines.get(j));
                    if (sk.matches()) {
                        skipped.put(sk.group(2), Long.parseLong(sk.group(1)));
                    } else if (im.matches()) {
                        onImporter = Long.parseLong(im.group(2));
                    }
                }
                stores.put(s.group(4), new Store(s.group(1), s.group(4), s.group(5), Long.parseLong(c.group(2)),
                        Long.parseLong(c.group(3)), Long.parseLong(c.group(4)), Long.parseLong(c.group(5)), onImporter,
                        skipped));
            }
        }

        assertEquals(SAMPLE_MAILBOXES, stores.keySet(), "one store per sample mailbox in the report:\n" + out);
        long sent = 0;
        long skippedMessages = 0;
        for (Store s : stores.values()) {
            assertEquals("imported", s.status(), s.toString());
            assertTrue(s.messages() > 0, "every sample store has messages: " + s);
            assertEquals(s.messages(), s.imported() + s.present(), "every message sent arrived: " + s);
            assertEquals(0, s.present(), "a fresh target holds nothing yet: " + s);
            assertEquals(s.imported(), s.onImporter(), "the importer's own count of the store: " + s);
            assertEquals(Long.valueOf(s.imported()), held.get(s.target()), "importer stats of " + s.target());
            sent += s.messages();
            for (Map.Entry<String, Long> e : s.skipped().entrySet()) {
                assertFalse(e.getKey().startsWith("importer:") || e.getKey().contains("class not whitelisted"),
                        "the importer stores every class of the sample: " + s);
                if (e.getKey().startsWith("message ") || e.getKey().startsWith("soft-deleted message")) {
                    skippedMessages += e.getValue();
                }
            }
        }
        assertTrue(stores.get("anna.schmidt@example.org").attachments() > 10, "attachments travelled");
        assertEquals(SAMPLE_MAILBOXES, held.keySet(), "importer stats lists exactly the sample mailboxes");
        assertTrue(dumped > 0, "kgdump's summary line is shown:\n" + out);
        assertEquals(dumped, sent + skippedMessages, "every message of the dump is imported or skipped by design");
        assertTrue(out.contains("OK: all 7 sample mailboxes migrated"), out);

        // nothing left behind
        assertNotNull(work, "the demo names its temporary directory");
        assertFalse(Files.exists(work), work + " is removed");
        String dir = work.toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<String> left = procs.filter(x -> x.getFileName().toString().matches("\\d+")).map(x -> {
                try {
                    return new String(Files.readAllBytes(x.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                } catch (IOException e) {
                    return "";
                }
            }).filter(c -> c.contains(dir)).toList();
            assertEquals(List.of(), left, "no process of the demo is left running");
        }
    }
}
