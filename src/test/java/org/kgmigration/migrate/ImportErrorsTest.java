package org.kgmigration.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.importer.LiveConfig;
import org.kgmigration.importer.TestPki;

/**
 * What goes wrong: each case ends with one clear line and a non-zero exit, and nothing is partially
 * imported for a store that was refused. Plus retries through an importer restart.
 */
class ImportErrorsTest {
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

    static Path small(Path dir, int messages) {
        Path dump = dir.resolve("small.kgd");
        TestDump d = TestDump.to(dump);
        d.header();
        d.store(A, "private", "anna@example.org", null).skeleton("a000", "a001").folder("a002", "a001", "inbox", "Inbox");
        for (int i = 0; i < messages; i++) {
            d.message(TestDump.key(1, i), "IPM.Note", "m" + i).attachment("f" + i, TestDump.bytes(2000 + i, i)).endMessage();
        }
        d.endFolder().endStore().finish();
        return dump;
    }

    static long lines(String s, String needle) {
        return s.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void an_untrusted_certificate_is_one_clear_line() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        MigrateRun.Result r = MigrateRun.to(importer).args("--input=" + small(tmp, 1)).go(tmp);
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, lines(r.stderr(), "migrate: TLS: the server certificate of https://127.0.0.1:"), r.stderr());
        assertTrue(r.stderr().contains("--ca-file"), r.stderr());
        assertEquals(0, importer.store.messageCount("anna@example.org", A.toUpperCase()));
    }

    @Test
    void insecure_connects_anyway_with_a_warning() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        MigrateRun.Result r = MigrateRun.to(importer).args("--input=" + small(tmp, 2), "--insecure").go(tmp);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.stderr().contains("migrate: WARNING: --insecure"), r.stderr());
        assertEquals(2, importer.store.messageCount("anna@example.org", A.toUpperCase()));
    }

    @Test
    void a_host_name_the_certificate_does_not_cover_is_refused() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null, LiveConfig.Overrides.none(), "0.0.0.0",
                "127.0.0.0/8");
        importer.addUser("anna@example.org", false);
        MigrateRun.Result r = MigrateRun.to(importer).env("IMPORTER_IMPORT_URL", importer.urlByWrongName())
                .args("--ca-file=" + pki.caCert, "--input=" + small(tmp, 1)).go(tmp);
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, lines(r.stderr(), "is not valid for this host name"), r.stderr());
        assertEquals(0, importer.store.messageCount("anna@example.org", A.toUpperCase()));
    }

    @Test
    void an_address_not_on_the_whitelist_is_told_so() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null, LiveConfig.Overrides.none(), "127.0.0.1",
                "192.0.2.10");
        MigrateRun.Result r = MigrateRun.to(importer).args("--ca-file=" + pki.caCert, "--input=" + small(tmp, 1)).go(tmp);
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, lines(r.stderr(), "migrate: the importer refused /api/v1/capabilities with 403"), r.stderr());
        assertTrue(r.stderr().contains("ip_white_lists"), r.stderr());
    }

    @Test
    void an_unreachable_endpoint_is_retried_then_one_clear_line() {
        int port = ImporterFixture.freePort();
        MigrateRun.Result r = new MigrateRun().env("IMPORTER_IMPORT_URL", "https://127.0.0.1:" + port + "/")
                .config(tmp, "delivery:\n  retries: {max: 2, initial_delay_ms: 50, max_delay_ms: 100}\n")
                .args("--ca-file=" + pki.caCert, "--input=" + small(tmp, 1)).go(tmp);
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, lines(r.stderr(), "migrate: the importer at https://127.0.0.1:" + port + " is unreachable"), r.stderr());
        assertEquals(2, lines(r.stderr(), "retrying GET /api/v1/capabilities"), r.stderr());
    }

    @Test
    void a_corrupt_dump_stops_with_the_offset() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        Path dump = small(tmp, 3);
        try (RandomAccessFile f = new RandomAccessFile(dump.toFile(), "rw")) {
            f.seek(f.length() - 200);
            int b = f.read();
            f.seek(f.length() - 200);
            f.write(b ^ 0x55);
        }
        MigrateRun.Result r = MigrateRun.to(importer).args("--ca-file=" + pki.caCert, "--input=" + dump).go(tmp);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.stderr().lines().anyMatch(l -> l.startsWith("migrate: ") && l.contains("at byte")), r.stderr());
        assertEquals(0, importer.store.messageCount("anna@example.org", A.toUpperCase()),
                "the pre-scan of a file finds the damage before anything is uploaded");
    }

    @Test
    void configuration_mistakes_are_usage_errors_naming_the_key() throws Exception {
        MigrateRun.Result r = new MigrateRun().env("IMPORTER_IMPORT_URL", "https://127.0.0.1:1/")
                .config(tmp, "delivery:\n  concurency: 3\n").args("--input=" + small(tmp, 1)).go(tmp);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.stderr().contains("unknown key 'delivery.concurency'"), r.stderr());
        MigrateRun.Result http = new MigrateRun().env("IMPORTER_IMPORT_URL", "http://127.0.0.1:1/")
                .args("--input=" + small(tmp, 1)).go(tmp);
        assertEquals(2, http.code());
        assertTrue(http.stderr().contains("must start with https://"), http.stderr());
        MigrateRun.Result none = new MigrateRun().args("--input=" + small(tmp, 1)).go(tmp);
        assertEquals(2, none.code());
        assertTrue(none.stderr().contains("IMPORTER_IMPORT_URL is not set"), none.stderr());
        MigrateRun.Result both = new MigrateRun().env("IMPORTER_IMPORT_URL", "https://127.0.0.1:1/")
                .args("--input=" + small(tmp, 1), "--stdin").go(tmp);
        assertEquals(2, both.code());
        Files.writeString(tmp.resolve("users.csv"), "source,target\nanna,not-a-upn\n");
        MigrateRun.Result csv = new MigrateRun().env("IMPORTER_IMPORT_URL", "https://127.0.0.1:1/")
                .config(tmp, "mapping:\n  map_file: users.csv\n").args("--input=" + small(tmp, 1)).go(tmp);
        assertEquals(2, csv.code(), csv.toString());
        assertTrue(csv.stderr().contains("is not a user principal name"), csv.stderr());
    }

    @Test
    void an_importer_restart_midway_is_retried_and_duplicates_nothing() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        Path dump = small(tmp, 400);
        MigrateRun run = MigrateRun.to(importer)
                .config(tmp, "delivery:\n  batch_size: 10\n  concurrency: 2\n  retries: {max: 30, initial_delay_ms: 100,"
                        + " max_delay_ms: 500}\n")
                .args("--ca-file=" + pki.caCert, "--input=" + dump);
        CompletableFuture<MigrateRun.Result> f = CompletableFuture.supplyAsync(() -> run.go(tmp));
        long deadline = System.currentTimeMillis() + 60_000;
        while (importer.store.messageCount("anna@example.org", A.toUpperCase()) < 50 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        importer.stopServer();
        Thread.sleep(1500);
        importer.startServer();
        MigrateRun.Result r = f.get(120, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.report().get("retries").asInt() > 0, r.toString());
        assertEquals(400, importer.store.messageCount("anna@example.org", A.toUpperCase()));
        assertEquals(400, r.store(A).get("imported").asInt() + r.store(A).get("alreadyPresent").asInt(), r.toString());
        assertEquals(List.of(), new StoreCompare(importer.store, java.util.Map.of(A, "anna@example.org"))
                .run(dump, m -> true).differences());
    }
}
