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

    @Test
    void a_token_and_a_client_certificate_are_sent_when_configured() throws Exception {
        Files.writeString(tmp.resolve("token"), "s3cret-token-0123456789\n");
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, "token_file: " + tmp.resolve("token"));
        importer.addUser("anna@example.org", false);
        Path dump = small(tmp, 2);
        MigrateRun.Result none = MigrateRun.to(importer).args("--ca-file=" + pki.caCert, "--input=" + dump).go(tmp);
        assertEquals(1, none.code(), none.toString());
        assertEquals(1, lines(none.stderr(), "migrate: the importer refused /api/v1/capabilities with 401"), none.stderr());
        MigrateRun.Result ok = MigrateRun.to(importer).env("IMPORTER_TOKEN", "s3cret-token-0123456789")
                .args("--ca-file=" + pki.caCert, "--input=" + dump).go(tmp);
        assertEquals(0, ok.code(), ok.toString());
        importer.close();

        importer = ImporterFixture.start(tmp.resolve("imp2"), pki, null, LiveConfig.Overrides.none(), "127.0.0.1",
                "127.0.0.1");
        importer.stopServer();
        importer.clientCa = pki.caCert;
        importer.startServer();
        importer.addUser("anna@example.org", false);
        MigrateRun.Result noCert = MigrateRun.to(importer).config(tmp, "delivery:\n  retries: {max: 0}\n")
                .args("--ca-file=" + pki.caCert, "--input=" + dump, "--journal=" + tmp.resolve("j1")).go(tmp);
        assertEquals(1, noCert.code(), noCert.toString());
        assertTrue(noCert.stderr().lines().anyMatch(l -> l.startsWith("migrate: ")), noCert.stderr());
        MigrateRun.Result cert = MigrateRun.to(importer)
                .config(tmp, "tls:\n  ca_file: " + pki.caCert + "\n  client_cert: " + pki.clientCert + "\n  client_key: "
                        + pki.clientKey + "\n")
                .args("--input=" + dump, "--journal=" + tmp.resolve("j2")).go(tmp);
        assertEquals(0, cert.code(), cert.toString());
        assertEquals(2, importer.store.messageCount("anna@example.org", A.toUpperCase()));
    }

    @Test
    void selectors_pick_stores_as_in_kgdump_and_a_typo_is_an_error() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        String b = TestDump.guid(2);
        String pub = TestDump.guid(3);
        Path dump = tmp.resolve("three.kgd");
        TestDump d = TestDump.to(dump);
        d.index(A, "private", "anna", "anna@example.org").index(b, "private", "bert", "bert@example.org")
                .index(pub, "public", null, null).header();
        d.store(A, "private", "anna", "anna@example.org").skeleton("a000", "a001").folder("a002", "a001", "inbox", "Inbox")
                .message("c0000001", "IPM.Note", "a").endMessage().endFolder().endStore();
        d.store(b, "private", "bert", "bert@example.org").skeleton("b000", "b001").folder("b002", "b001", "inbox", "Inbox")
                .message("d0000001", "IPM.Note", "b").endMessage().endFolder().endStore();
        d.store(pub, "public", null, null).skeleton("e000", "e001").folder("e002", "e001", null, "Board")
                .message("e0000001", "IPM.Post", "p").endMessage().endFolder().endStore();
        d.finish();
        importer.addUsers(List.of("bert@example.org", "public@example.org"));
        MigrateRun.Result r = MigrateRun.to(importer).args("--ca-file=" + pki.caCert, "--input=" + dump,
                "--user=bert@example.org", "--public", "--map=public=public@example.org", "--default-domain=example.org").go(tmp);
        assertEquals(0, r.code(), r.toString());
        assertEquals("not_selected", r.store(A).get("status").asText());
        assertEquals("imported", r.store(b).get("status").asText());
        assertEquals("imported", r.store(pub).get("status").asText());
        assertEquals(1, importer.store.messageCount("public@example.org", pub.toUpperCase()));
        MigrateRun.Result typo = MigrateRun.to(importer).args("--ca-file=" + pki.caCert, "--input=" + dump,
                "--user=bret", "--journal=" + tmp.resolve("j")).go(tmp);
        assertEquals(2, typo.code(), typo.toString());
        assertEquals(1, lines(typo.stderr(), "migrate: no store matches --user bret"), typo.stderr());
    }

    @Test
    void a_network_loss_stops_the_run_and_the_next_run_resumes_from_the_journal() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        Path dump = small(tmp, 300);
        MigrateRun run = MigrateRun.to(importer)
                .config(tmp, "delivery:\n  batch_size: 10\n  concurrency: 2\n  retries: {max: 2, initial_delay_ms: 50,"
                        + " max_delay_ms: 100}\n")
                .args("--ca-file=" + pki.caCert, "--input=" + dump);
        CompletableFuture<MigrateRun.Result> f = CompletableFuture.supplyAsync(() -> run.go(tmp));
        long deadline = System.currentTimeMillis() + 60_000;
        while (importer.store.messageCount("anna@example.org", A.toUpperCase()) < 60 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        importer.stopServer();
        MigrateRun.Result first = f.get(120, TimeUnit.SECONDS);
        assertEquals(1, first.code(), first.toString());
        assertTrue(first.stderr().lines().anyMatch(l -> l.startsWith("migrate: ") && l.contains("unreachable")),
                first.stderr());
        assertEquals("failed", first.store(A).get("status").asText(), first.toString());
        importer.startServer();
        long before = importer.store.messageCount("anna@example.org", A.toUpperCase());
        assertTrue(before >= 60 && before < 300, "stopped in the middle: " + before);

        MigrateRun.Result second = run.go(tmp);
        assertEquals(0, second.code(), second.toString());
        assertTrue(second.store(A).get("batchesDoneInEarlierRun").asInt() >= 5, second.toString());
        assertTrue(second.store(A).get("imported").asInt() <= 300 - before + 20, second.toString());
        assertEquals(300, importer.store.messageCount("anna@example.org", A.toUpperCase()));
    }

    @Test
    void a_dump_file_in_an_awkward_path_and_a_pkcs12_trust_store_work() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", false);
        Path dir = tmp.resolve("USB Stick (2) + 100% & more");
        Files.createDirectories(dir);
        Path dump = Files.move(small(tmp, 3), dir.resolve("kgdump host #1 ä.d1"));
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var in = Files.newInputStream(pki.caCert)) {
            ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        try (var out = Files.newOutputStream(tmp.resolve("trust.p12"))) {
            ks.store(out, "pw-123".toCharArray());
        }
        MigrateRun.Result r = MigrateRun.to(importer).env("TRUST_PW", "pw-123")
                .config(tmp, "tls:\n  trust_store: trust.p12\n  trust_store_password_env: TRUST_PW\n")
                .args("--input=" + dump).go(tmp);
        assertEquals(0, r.code(), r.toString());
        assertEquals(3, importer.store.messageCount("anna@example.org", A.toUpperCase()));
        assertTrue(Files.exists(dir.resolve("kgdump host #1 ä.d1.journal")));
    }
}
