package org.kgmigration.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.api.ImportApi;
import org.kgmigration.importer.store.StoreLocation;

/** The optional protections on top of the IP whitelist: shared-secret token and mutual TLS. */
class SecurityOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void a_configured_token_is_required() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("pki"));
        Path token = tmp.resolve("token");
        Files.writeString(token, "s3cret-token-of-some-length\n");
        Path dir = tmp.resolve("token-server");
        try (LogCapture log = new LogCapture();
             TestServer s = TestServer.start(dir, pki, StoreLocation.embedded(dir), "127.0.0.1",
                     TestServer.config("token_file: " + token, "127.0.0.1"))) {
            ApiClient.Response none = s.client().get(ImportApi.BASE_PATH + "/capabilities");
            assertEquals(401, none.status(), none.body());
            assertEquals(401, s.client().token("wrong-token-wrong-token").get(ImportApi.BASE_PATH + "/capabilities").status());
            assertEquals(200, s.client().token("s3cret-token-of-some-length").get(ImportApi.BASE_PATH + "/capabilities").status());
            assertTrue(log.has("refused", "wrong token"), log.lines().toString());
            // the token file is read again when it changes
            Files.writeString(token, "another-secret-token-value");
            assertEquals(401, s.client().token("s3cret-token-of-some-length").get(ImportApi.BASE_PATH + "/capabilities").status());
            assertEquals(200, s.client().token("another-secret-token-value").get(ImportApi.BASE_PATH + "/capabilities").status());
        }
    }

    /**
     * Mutual TLS in both TLS implementations: BoringSSL, which Linux x86_64 and aarch64 get from the
     * bundled netty-tcnative library, and the JDK's (elsewhere, or with -Dkgm.importer.jdkTls=true).
     */
    @Test
    void with_a_client_ca_the_client_needs_a_certificate() {
        TestPki pki = TestPki.create(tmp.resolve("pki2"));
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        boolean bundled = os.contains("linux") && (arch.equals("amd64") || arch.equals("aarch64"));
        for (boolean jdk : new boolean[] {false, true}) {
            Path dir = tmp.resolve("mtls-server-" + jdk);
            if (jdk) {
                System.setProperty("kgm.importer.jdkTls", "true");
            }
            try (LogCapture log = new LogCapture();
                 TestServer s = TestServer.start(dir, pki, StoreLocation.embedded(dir), "127.0.0.1",
                         TestServer.config(null, "127.0.0.1"), pki.caCert, LiveConfig.Overrides.none())) {
                assertTrue(log.has("importer listening on", jdk || !bundled ? "TLS by the JDK" : "TLS by BoringSSL"),
                        log.lines().toString());
                assertEquals(200, s.client(true).get(ImportApi.BASE_PATH + "/capabilities").status());
                assertThrows(UncheckedIOException.class, () -> s.client(false).get(ImportApi.BASE_PATH + "/capabilities"));
                byte[] data = new byte[3 << 20];
                new java.util.Random(jdk ? 1 : 2).nextBytes(data);
                String sha = Payloads.sha256(data);
                assertEquals(201, s.client(true).put(ImportApi.blobPath(sha), data).status(), "a 3 MiB upload through " + (jdk ? "the JDK" : "BoringSSL"));
            } finally {
                System.clearProperty("kgm.importer.jdkTls");
            }
        }
    }
}
