package org.kgmigration.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.api.ImportApi;
import org.kgmigration.testsupport.Programs;
import org.kgmigration.testsupport.Programs.Result;

/** bin/importer as an administrator runs it: serve, users and stats, against the shaded jar. */
class ImporterProgramIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BLOB_SIZE = 160L << 20;

    @TempDir
    Path tmp;

    private Path writeConfig(TestPki pki, int port, String whitelist) throws IOException {
        Path cfg = tmp.resolve("config.yaml");
        Files.writeString(cfg, "e4a:\n    adminrpc:\n        importer:\n            ip_white_lists: " + whitelist + "\n"
                + "            listen: 127.0.0.1:" + port + "\n"
                + "            tls_cert: " + pki.serverCert + "\n"
                + "            tls_key: " + pki.serverKey + "\n"
                + "            data_dir: " + tmp.resolve("data") + "\n");
        return cfg;
    }

    private static Result importer(Path cfg, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--config");
        a.add(cfg.toString());
        return Programs.program("importer", a).timeout(120).go();
    }

    private static Process serve(Path cfg, Path log, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Programs.projectDir().resolve("bin/importer").toString(), "serve",
                "--config", cfg.toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_OPTS", "-Xmx128m");
        pb.environment().remove("E4A_CONFIG");
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    private static void awaitListening(ApiClient c, Process p, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            assertTrue(p.isAlive(), () -> "serve exited: " + read(log));
            try {
                c.get(ImportApi.BASE_PATH + "/capabilities");
                return;
            } catch (RuntimeException e) {
                Thread.sleep(300);
            }
        }
        throw new AssertionError("serve did not start listening: " + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Deterministic pseudo-random bytes, generated on the fly (never held whole). */
    private static InputStream generated(long size) {
        return new InputStream() {
            private long pos;
            private long x = 0x9E3779B97F4A7C15L;

            @Override
            public int read() {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                for (int i = 0; i < n; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    b[off + i] = (byte) x;
                }
                pos += n;
                return n;
            }
        };
    }

    @Test
    void serve_users_and_stats_work_together_with_a_small_heap() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("pki"));
        int port = TestServer.freePort("127.0.0.1");
        Path cfg = writeConfig(pki, port, "[127.0.0.1]");
        Result add = importer(cfg, "users", "add", "Alice@Example.org", "--inactive", "--quota", "1G",
                "--display-name", "Alice A.");
        assertEquals(0, add.exitCode(), add.stderr());
        Result dup = importer(cfg, "users", "add", "alice@example.org");
        assertEquals(1, dup.exitCode());
        assertEquals(1, dup.errLines().stream().filter(l -> l.startsWith("importer:")).count(), dup.stderr());
        assertTrue(dup.stderr().contains("already exists"), dup.stderr());

        Path log = tmp.resolve("serve.log");
        Process p = serve(cfg, log);
        try {
            ApiClient c = new ApiClient("https://127.0.0.1:" + port, pki.clientContext(false));
            awaitListening(c, p, log);
            // users works while serve holds the store
            Result bob = importer(cfg, "users", "add", "bob@example.org", "--inactive");
            assertEquals(0, bob.exitCode(), bob.stderr());
            assertEquals(200, c.get(ImportApi.userPath("bob@example.org")).status());
            Result list = importer(cfg, "users", "list", "--json");
            assertEquals(0, list.exitCode(), list.stderr());
            JsonNode users = JSON.readTree(list.out());
            assertEquals(2, users.size(), list.out());
            assertEquals("alice@example.org", users.get(0).get("upn").asText());
            assertEquals(false, users.get(0).get("active").asBoolean());
            assertEquals(1L << 30, users.get(0).get("quotaBytes").asLong());

            // an attachment larger than the server's heap, streamed in and stored once
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = generated(BLOB_SIZE)) {
                byte[] buf = new byte[1 << 16];
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    md.update(buf, 0, n);
                }
            }
            String sha = HexFormat.of().formatHex(md.digest());
            ApiClient.Response put = c.put(ImportApi.blobPath(sha),
                    HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> generated(BLOB_SIZE)),
                            BLOB_SIZE));
            assertEquals(201, put.status(), () -> put.body() + read(log));
            String store = "6305660D864E437EB5BEFA0F3B1E8DF2";
            assertEquals(200, c.post(ImportApi.storePath("alice@example.org", store) + "/folders",
                    Payloads.folders(Payloads.folder(Payloads.key(1), null, "inbox", "Inbox", "IPF.Note"))).status());
            ObjectNode m = Payloads.message(Payloads.key(2), Payloads.key(1), "IPM.Note", "big one");
            ((ArrayNode) m.get("attachments")).add(Payloads.attachment("big.bin", sha, BLOB_SIZE));
            ApiClient.Response batch = c.post(ImportApi.storePath("alice@example.org", store) + "/messages",
                    Payloads.batch(m, Payloads.message(Payloads.key(3), Payloads.key(1), "IPM.Unknown", "odd")));
            assertEquals(200, batch.status(), batch.body());
            assertEquals(1, batch.json().get("imported").asInt(), batch.body());
            assertEquals(1, batch.json().get("skipped").asInt(), batch.body());

            Result stats = importer(cfg, "stats", "alice@example.org", "--json");
            assertEquals(0, stats.exitCode(), stats.stderr());
            JsonNode s = JSON.readTree(stats.out()).get(0);
            assertEquals(1, s.get("messages").asLong());
            assertEquals(1, s.get("attachments").asLong());
            assertTrue(s.get("bytes").asLong() > BLOB_SIZE, stats.out());
            Result table = importer(cfg, "stats");
            assertEquals(0, table.exitCode(), table.stderr());
            assertTrue(table.out().contains("alice@example.org (Alice A.): 1 messages, 1 attachments"), table.out());
            assertTrue(table.out().contains("/Inbox"), table.out());

            assertEquals(0, importer(cfg, "users", "set-active", "alice@example.org", "true").exitCode());
            ApiClient.Response active = c.post(ImportApi.storePath("alice@example.org", store) + "/messages",
                    Payloads.batch(Payloads.message(Payloads.key(4), Payloads.key(1), "IPM.Note", "late")));
            assertEquals(409, active.status(), active.body());
        } finally {
            p.destroy();  // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        }
        String out = read(log);
        assertTrue(out.contains("stopping the importer"), out);
        assertFalse(out.contains("OutOfMemoryError"), out);
        assertTrue(out.contains("message class not supported yet: class=IPM.Unknown"), out);
        // after serve stopped the store opens directly
        Result remove = importer(cfg, "users", "remove", "alice@example.org");
        assertEquals(1, remove.exitCode());
        assertTrue(remove.stderr().contains("--purge"), remove.stderr());
        assertEquals(0, importer(cfg, "users", "remove", "alice@example.org", "--purge").exitCode());
        Result after = importer(cfg, "users", "list");
        assertEquals(0, after.exitCode(), after.stderr());
        assertFalse(after.out().contains("alice@example.org"), after.out());
        assertTrue(after.out().contains("bob@example.org"), after.out());
    }

    @Test
    void serve_with_an_empty_whitelist_says_why_and_refuses_everything() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("pki"));
        int port = TestServer.freePort("127.0.0.1");
        Path cfg = writeConfig(pki, port, "[]");
        Path log = tmp.resolve("serve-off.log");
        Process p = serve(cfg, log);
        try {
            ApiClient c = new ApiClient("https://127.0.0.1:" + port, pki.clientContext(false));
            awaitListening(c, p, log);
            assertEquals(403, c.get(ImportApi.BASE_PATH + "/capabilities").status());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        String out = read(log);
        assertTrue(out.contains("import API is OFF") && out.contains("ip_white_lists"), out);
    }

    @Test
    void bad_configuration_and_arguments_are_one_line_errors() throws Exception {
        Path cfg = tmp.resolve("bad.yaml");
        Files.writeString(cfg, "e4a:\n  adminrpc:\n    importer:\n      ip_white_lists: [not-an-ip]\n", StandardCharsets.UTF_8);
        Result r = importer(cfg, "serve", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.pem");
        assertEquals(2, r.exitCode(), r.stderr());
        assertEquals(1, r.errLines().size(), r.stderr());
        assertTrue(r.stderr().contains("not-an-ip"), r.stderr());

        Path good = tmp.resolve("good.yaml");
        Files.writeString(good, "e4a:\n  adminrpc:\n    importer:\n      ip_white_lists: [127.0.0.1]\n      data_dir: "
                + tmp.resolve("d") + "\n");
        Result noTls = importer(good, "serve", "--listen", "127.0.0.1:" + TestServer.freePort("127.0.0.1"));
        assertEquals(2, noTls.exitCode(), noTls.stderr());
        assertTrue(noTls.stderr().contains("--tls-cert"), noTls.stderr());
        Result badListen = importer(good, "serve", "--listen", "nowhere");
        assertEquals(2, badListen.exitCode());
        assertTrue(badListen.stderr().contains("HOST:PORT"), badListen.stderr());
        Result missing = importer(good, "users", "set-active", "nobody@example.org", "false");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("does not exist"), missing.stderr());
        Path typo = tmp.resolve("no-such-config.yaml");
        for (String cmd : List.of("serve", "stats")) {
            Result noFile = importer(typo, cmd);
            assertEquals(2, noFile.exitCode(), noFile.stderr());
            assertEquals(1, noFile.errLines().size(), noFile.stderr());
            assertTrue(noFile.stderr().contains("configuration file " + typo + " does not exist (named by --config)"),
                    noFile.stderr());
        }
        Result badBool = importer(good, "users", "set-active", "nobody@example.org", "maybe");
        assertEquals(2, badBool.exitCode());
        Result help = Programs.program("importer", "users", "--help").go();
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("set-quota"), help.out());
    }
}
