package org.kgmigration.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.api.ImportApi;
import org.kgmigration.importer.store.StoreLocation;
import javax.net.ssl.SSLSocket;

/** The IP whitelist over real HTTPS on loopback: single addresses, CIDR, IPv6, reload, feature off. */
class WhitelistServerTest {
    @TempDir
    static Path tmp;
    static TestPki pki;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(tmp.resolve("pki"));
    }

    private static TestServer start(String name, String host, String config) {
        Path dir = tmp.resolve(name);
        return TestServer.start(dir, pki, StoreLocation.embedded(dir), host, config);
    }

    @Test
    void a_listed_address_gets_the_capabilities() {
        try (TestServer s = start("single", "127.0.0.1", TestServer.config(null, "198.51.100.5", "127.0.0.1"))) {
            ApiClient.Response r = s.client().get(ImportApi.BASE_PATH + "/capabilities");
            assertEquals(200, r.status(), r.body());
            assertEquals(ImportApi.VERSION, r.json().get("apiVersion").asText());
            assertTrue(r.json().get("messageClasses").toString().contains("IPM.Note"), r.body());
            assertTrue(r.json().get("limits").get("maxBatchItems").asInt() > 0, r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").contains("application/json"));
        }
    }

    @Test
    void an_unlisted_address_gets_403_and_a_log_line_naming_it() {
        try (LogCapture log = new LogCapture();
             TestServer s = start("deny", "127.0.0.1", TestServer.config(null, "198.51.100.5", "203.0.113.19"))) {
            ApiClient.Response r = s.client().get(ImportApi.BASE_PATH + "/capabilities");
            assertEquals(403, r.status(), r.body());
            assertTrue(r.message().contains("127.0.0.1"), r.body());
            assertTrue(log.has("refused", "127.0.0.1", "ip_white_lists"), log.lines().toString());
            // every route is guarded, not only capabilities
            assertEquals(403, s.client().get(ImportApi.userPath("a@example.org")).status());
            assertEquals(403, s.client().put(ImportApi.blobPath("0".repeat(64)), new byte[] {1}).status());
            ApiClient.Response q = s.client().post(ImportApi.BLOB_QUERY_PATH, "{\"blobs\": []}");
            assertEquals(403, q.status(), q.body());
            assertEquals("forbidden", q.json().get("error").asText(), q.body());
            assertTrue(log.has("refused", "POST", ImportApi.BLOB_QUERY_PATH), log.lines().toString());
            assertEquals(0, s.store.blobCount());
        }
    }

    /**
     * A refused client is answered as soon as its headers are in: the server does not wait for (nor
     * receive, spool or store) the body. The client announces 64 MiB and sends none of it; a server
     * that read the body first would keep waiting and the read would time out.
     */
    @Test
    void a_refused_upload_is_answered_before_its_body_is_read() throws IOException {
        try (LogCapture log = new LogCapture();
             TestServer s = start("early", "127.0.0.1", TestServer.config(null, "203.0.113.19"))) {
            String response = headersOnly(s, "");
            assertTrue(response.startsWith("HTTP/1.1 403"), response);
            assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), response);
            assertTrue(response.contains("not on this server's import whitelist"), response);
            assertTrue(log.has("refused", "PUT", "127.0.0.1"), log.lines().toString());
            assertEquals(0, s.store.blobCount());
        }
    }

    @Test
    void a_wrong_token_is_refused_before_the_body_is_read() throws IOException {
        Path token = tmp.resolve("early-token-file");
        Files.writeString(token, "s3cret-token-of-some-length\n");
        String config = TestServer.config("token_file: " + token, "127.0.0.1");
        try (TestServer s = start("early-token", "127.0.0.1", config)) {
            String response = headersOnly(s, "Authorization: Bearer wrong\r\n");
            assertTrue(response.startsWith("HTTP/1.1 401"), response);
            assertEquals(0, s.store.blobCount());
        }
        // an allowed client with the right token is not answered before it sends the body
        try (TestServer s = start("early-ok", "127.0.0.1", config)) {
            assertThrows(SocketTimeoutException.class,
                    () -> headersOnly(s, "Authorization: Bearer s3cret-token-of-some-length\r\n"));
        }
    }

    @Test
    void a_refused_blob_query_is_answered_before_its_body_is_read() throws IOException {
        try (TestServer s = start("early-query", "127.0.0.1", TestServer.config(null, "203.0.113.19"))) {
            String response = headersOnly(s, "POST " + ImportApi.BLOB_QUERY_PATH, "");
            assertTrue(response.startsWith("HTTP/1.1 403"), response);
            assertTrue(response.contains("not on this server's import whitelist"), response);
        }
    }

    private static String headersOnly(TestServer s, String extraHeaders) throws IOException {
        return headersOnly(s, "PUT " + ImportApi.blobPath("0".repeat(64)), extraHeaders);
    }

    /** Sends the headers of a 64 MiB request body, no body, and returns what the server answers within 5 s. */
    private static String headersOnly(TestServer s, String requestLine, String extraHeaders) throws IOException {
        try (SSLSocket socket = (SSLSocket) pki.clientContext(false).getSocketFactory().createSocket(s.host, s.port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + " HTTP/1.1\r\nHost: " + s.host + ":" + s.port
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (64L << 20) + "\r\n"
                    + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) { // the server closes the connection after a refusal
                got.write(buf, 0, n);
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void a_cidr_range_covers_the_address() {
        try (TestServer s = start("cidr", "127.0.0.1", TestServer.config(null, "10.1.0.0/16", "127.0.0.0/8"))) {
            assertEquals(200, s.client().get(ImportApi.BASE_PATH + "/capabilities").status());
        }
        try (TestServer s = start("cidr-miss", "127.0.0.1", TestServer.config(null, "127.1.0.0/16"))) {
            assertEquals(403, s.client().get(ImportApi.BASE_PATH + "/capabilities").status());
        }
    }

    @Test
    void ipv6_loopback_is_matched_as_ipv6() {
        try (TestServer s = start("v6", "::1", TestServer.config(null, "::1"))) {
            assertEquals(200, s.client().get(ImportApi.BASE_PATH + "/capabilities").status());
        }
        try (LogCapture log = new LogCapture();
             TestServer s = start("v6-deny", "::1", TestServer.config(null, "127.0.0.1", "fe80::/10"))) {
            ApiClient.Response r = s.client().get(ImportApi.BASE_PATH + "/capabilities");
            assertEquals(403, r.status());
            assertTrue(log.has("refused", "::1"), log.lines().toString());
        }
        try (TestServer s = start("v6-cidr", "::1", TestServer.config(null, "0:0:0:0:0:0:0:0/64"))) {
            assertEquals(200, s.client().get(ImportApi.BASE_PATH + "/capabilities").status());
        }
    }

    @Test
    void editing_the_file_takes_effect_without_a_restart() {
        try (LogCapture log = new LogCapture();
             TestServer s = start("reload", "127.0.0.1", TestServer.config(null, "198.51.100.5"))) {
            ApiClient c = s.client();
            assertEquals(403, c.get(ImportApi.BASE_PATH + "/capabilities").status());
            s.writeConfig(TestServer.config(null, "198.51.100.5", "127.0.0.1"));
            assertEquals(200, c.get(ImportApi.BASE_PATH + "/capabilities").status());
            s.writeConfig(TestServer.config(null, "198.51.100.5"));
            assertEquals(403, c.get(ImportApi.BASE_PATH + "/capabilities").status());
            // a broken file turns the API off rather than keeping the old trust
            s.writeConfig(TestServer.config(null, "127.0.0.1"));
            assertEquals(200, c.get(ImportApi.BASE_PATH + "/capabilities").status());
            s.writeConfig(TestServer.config(null, "127.0.0.1", "not-an-address"));
            assertEquals(403, c.get(ImportApi.BASE_PATH + "/capabilities").status());
            assertTrue(log.has("not-an-address", "invalid"), log.lines().toString());
        }
    }

    @Test
    void an_empty_list_turns_the_api_off() {
        try (TestServer s = start("empty", "127.0.0.1", TestServer.config(null))) {
            ApiClient.Response r = s.client().get(ImportApi.BASE_PATH + "/capabilities");
            assertEquals(403, r.status());
            assertTrue(r.message().contains("disabled"), r.body());
        }
    }

    @Test
    void a_missing_file_turns_the_api_off_until_it_appears() throws Exception {
        try (TestServer s = start("missing", "127.0.0.1", null)) {
            assertFalse(Files.exists(s.config));
            assertEquals(403, s.client().get(ImportApi.BASE_PATH + "/capabilities").status());
            s.writeConfig(TestServer.config(null, "127.0.0.1"));
            assertEquals(200, s.client().get(ImportApi.BASE_PATH + "/capabilities").status());
        }
    }
}
