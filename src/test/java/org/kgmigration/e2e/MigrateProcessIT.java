package org.kgmigration.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.importer.TestPki;
import org.kgmigration.migrate.ImporterFixture;
import org.kgmigration.migrate.StoreCompare;
import org.kgmigration.migrate.TestDump;
import org.kgmigration.testsupport.Programs;

/**
 * bin/migrate as a user runs it (the shaded jar in its own JVM) against the real importer on
 * loopback HTTPS: a pipe on standard input, kill -9 in the middle and a second run that completes
 * without duplicates, and a dump with a 200 MiB attachment through a 64 MiB heap.
 */
class MigrateProcessIT {
    @TempDir
    static Path shared;
    static TestPki pki;
    @TempDir
    Path tmp;
    ImporterFixture importer;
    static final String A = TestDump.guid(1);

    @BeforeAll
    static void pki() {
        pki = TestPki.create(shared.resolve("pki"));
    }

    @AfterEach
    void stop() {
        if (importer != null) {
            importer.close();
        }
    }

    static Path dump(Path dir, int messages, int seed) {
        Path dump = dir.resolve("many.kgd");
        TestDump d = TestDump.to(dump);
        d.header();
        d.store(A, "private", "anna", "anna@example.org").skeleton("a000", "a001").folder("a002", "a001", "inbox", "Inbox");
        for (int i = 0; i < messages; i++) {
            d.message(TestDump.key(seed, i), false, false, "IPM.Note", TestDump.allTypes(i))
                    .attachment("f" + i, TestDump.bytes(1000 + (i % 7) * 100, i % 50)).endMessage();
        }
        d.endFolder().endStore().finish();
        return dump;
    }

    Programs.Run migrate(String... args) {
        List<String> a = new ArrayList<>(List.of("import", "--ca-file=" + pki.caCert, "--default-domain=example.org"));
        a.addAll(List.of(args));
        return Programs.program("migrate", a).env("IMPORTER_IMPORT_URL", importer.url()).cwd(tmp)
                .env("JAVA_OPTS", "-Dkgm.progress.interval=1");
    }

    long count() {
        return importer.store.messageCount("anna@example.org", A.toUpperCase());
    }

    static JsonNode store(Path report) throws Exception {
        return new ObjectMapper().readTree(report.toFile()).get("stores").get(0);
    }

    @Test
    void a_pipe_on_stdin_arrives_complete_with_progress_lines() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        Path dump = dump(tmp, 300, 1);
        Programs.Result r;
        try (InputStream in = Files.newInputStream(dump)) {
            r = migrate("--stdin", "--report=" + tmp.resolve("r.json")).stdin(in).go();
        }
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(0, r.stdout().length, "nothing on stdout");
        assertTrue(r.stderr().contains("progress: "), r.stderr());
        assertTrue(r.stderr().contains("migrate import report"), r.stderr());
        assertTrue(Files.exists(tmp.resolve("migrate-import.journal")), "stdin journal in the working directory");
        assertEquals(300, store(tmp.resolve("r.json")).get("imported").asInt());
        assertEquals(List.of(), new StoreCompare(importer.store, Map.of(A, "anna@example.org")).run(dump, m -> true)
                .differences());
    }

    @Test
    void killed_midway_then_run_again_completes_without_duplicates() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        Path dump = dump(tmp, 1500, 2);
        // the spool under tmp: a run killed with SIGKILL cannot remove its spool directory
        Files.writeString(tmp.resolve("m.yaml"), "spool_dir: " + tmp.resolve("spool") + "\n"
                + "delivery:\n  batch_size: 20\n  concurrency: 3\n");
        List<String> cmd = List.of(Programs.projectDir().resolve("bin/migrate").toString(), "import",
                "--ca-file=" + pki.caCert, "--default-domain=example.org", "--input=" + dump);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("first.log").toFile());
        pb.environment().put("IMPORTER_IMPORT_URL", importer.url());
        pb.environment().put("IMPORTER_CONFIG", tmp.resolve("m.yaml").toString());
        Process p = pb.start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (count() < 300 && p.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(p.isAlive(), "the first run must still be running when it is killed: "
                + Files.readString(tmp.resolve("first.log")));
        p.destroyForcibly();   // SIGKILL: bin/migrate execs java, so this is the JVM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long afterKill = count();
        assertTrue(afterKill >= 300 && afterKill < 1500, "killed in the middle: " + afterKill);
        String journal = Files.readString(tmp.resolve("many.kgd.journal"), StandardCharsets.UTF_8);
        assertTrue(journal.lines().filter(l -> l.startsWith("B ")).count() >= 10, journal);

        Programs.Result second = migrate("--input=" + dump, "--report=" + tmp.resolve("r2.json"))
                .env("IMPORTER_CONFIG", tmp.resolve("m.yaml").toString()).go();
        assertEquals(0, second.exitCode(), second.stderr());
        JsonNode s = store(tmp.resolve("r2.json"));
        assertTrue(s.get("batchesDoneInEarlierRun").asInt() >= 10, s.toString());
        assertEquals(1500, s.get("messages").asInt(), s.toString());
        assertTrue(s.get("imported").asInt() <= 1500 - 300 + 60, "resumed, not started over: " + s);
        assertEquals(1500, count(), "complete, nothing duplicated");
        assertEquals(List.of(), new StoreCompare(importer.store, Map.of(A, "anna@example.org")).run(dump, m -> true)
                .differences());
    }

    @Test
    void a_200_mib_attachment_goes_through_a_64_mib_heap() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        Path dump = tmp.resolve("big.kgd");
        TestDump d = TestDump.to(dump);
        d.header();
        d.store(A, "private", "anna", "anna@example.org").skeleton("a000", "a001").folder("a002", "a001", "inbox", "Inbox")
                .message(TestDump.key(9, 0), "IPM.Note", "big").attachment("big.iso", TestDump.generated(200L << 20, 5))
                .endMessage();
        for (int i = 1; i < 2000; i++) {
            d.message(TestDump.key(9, i), "IPM.Note", "small " + i).attachment("s", TestDump.bytes(5000, i)).endMessage();
        }
        d.endFolder().endStore().finish();
        Programs.Result r = migrate("--input=" + dump, "--report=" + tmp.resolve("r.json"))
                .env("JAVA_OPTS", "-Xmx64m").go();
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(2000, count());
        assertEquals((200L << 20) + 1999L * 5000, store(tmp.resolve("r.json")).get("attachmentBytes").asLong());
        assertEquals(List.of(), new StoreCompare(importer.store, Map.of(A, "anna@example.org")).run(dump, m -> true)
                .differences());
    }

    @Test
    void a_dry_run_on_a_pipe_without_a_store_index_checks_each_store_as_it_comes() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        Path dump = tmp.resolve("two.kgd");
        TestDump d = TestDump.to(dump);
        d.header();
        d.store(A, "private", "anna@example.org", null).skeleton("a000", "a001").folder("a002", "a001", "inbox", "Inbox")
                .message("c0000001", "IPM.Note", "x").endMessage().endFolder().endStore();
        d.store(TestDump.guid(2), "private", "bert", null).skeleton("b000", "b001").endStore();
        d.finish();
        Programs.Result r;
        try (InputStream in = Files.newInputStream(dump)) {
            r = Programs.program("migrate", "import", "--stdin", "--dry-run", "--ca-file=" + pki.caCert,
                    "--report=" + tmp.resolve("r.json")).env("IMPORTER_IMPORT_URL", importer.url()).cwd(tmp).stdin(in).go();
        }
        assertEquals(1, r.exitCode(), r.stderr());
        JsonNode rep = new ObjectMapper().readTree(tmp.resolve("r.json").toFile());
        assertEquals("would_import", rep.get("stores").get(0).get("status").asText());
        assertEquals("unmapped", rep.get("stores").get(1).get("status").asText());
        assertTrue(r.stderr().contains("nothing was uploaded"), r.stderr());
        assertEquals(0, count());
        assertTrue(!Files.exists(tmp.resolve("migrate-import.journal")));
    }

    @Test
    void ctrl_c_ends_with_130_and_the_hint_to_run_again() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        Path dump = dump(tmp, 1500, 3);
        Files.writeString(tmp.resolve("m.yaml"), "delivery:\n  batch_size: 20\n  concurrency: 2\n");
        ProcessBuilder pb = new ProcessBuilder(Programs.projectDir().resolve("bin/migrate").toString(), "import",
                "--ca-file=" + pki.caCert, "--default-domain=example.org", "--input=" + dump, "--report=" + tmp.resolve("r.json"))
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("run.log").toFile());
        pb.environment().put("IMPORTER_IMPORT_URL", importer.url());
        pb.environment().put("IMPORTER_CONFIG", tmp.resolve("m.yaml").toString());
        Process p = pb.start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (count() < 100 && p.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(p.isAlive(), Files.readString(tmp.resolve("run.log")));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(tmp.resolve("run.log"));
        assertEquals(130, p.exitValue(), log);
        assertTrue(log.contains("migrate: interrupted; run the same command again to continue where it stopped"), log);
        assertTrue(Files.exists(tmp.resolve("r.json")), "the report is written on Ctrl-C too");
        Programs.Result again = migrate("--input=" + dump).env("IMPORTER_CONFIG", tmp.resolve("m.yaml").toString()).go();
        assertEquals(0, again.exitCode(), again.stderr());
        assertEquals(1500, count());
    }
}
