package org.kgmigration.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kgmigration.importer.Payloads.JSON;
import static org.kgmigration.importer.Payloads.STORE;
import static org.kgmigration.importer.Payloads.attachment;
import static org.kgmigration.importer.Payloads.batch;
import static org.kgmigration.importer.Payloads.folder;
import static org.kgmigration.importer.Payloads.folders;
import static org.kgmigration.importer.Payloads.key;
import static org.kgmigration.importer.Payloads.message;
import static org.kgmigration.importer.Payloads.named;
import static org.kgmigration.importer.Payloads.prop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.kgmigration.api.ApiJson;
import org.kgmigration.api.ImportApi;
import org.kgmigration.api.MessageItem;
import org.kgmigration.importer.store.MailboxStats;
import org.kgmigration.importer.store.StoreLocation;

/**
 * The import API over real HTTPS against a real store; subclasses pick the store (embedded H2,
 * MariaDB). Each test works in its own target user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ImportApiContract {
    private static final com.fasterxml.jackson.databind.ObjectMapper CBOR = new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.cbor.CBORFactory());
    Path tmp;
    TestPki pki;
    TestServer server;
    ApiClient client;
    private final AtomicInteger users = new AtomicInteger();

    StoreLocation loc;

    /** The store under test, in {@code dir} when it is embedded. */
    abstract StoreLocation location(Path dir) throws Exception;

    void cleanup() throws Exception {
    }

    @BeforeAll
    void startServer() throws Exception {
        tmp = java.nio.file.Files.createTempDirectory("kgm-import-api");
        pki = TestPki.create(tmp.resolve("pki"));
        Path dir = tmp.resolve("server");
        loc = location(dir);
        server = TestServer.start(dir, pki, loc, "127.0.0.1",
                TestServer.config("enforce_quota: true\nmax_batch_bytes: 2M\nmax_batch_items: 50", "127.0.0.1"));
        client = server.client();
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
        cleanup();
        org.kgmigration.testsupport.Programs.deleteTree(tmp);
    }

    /** A fresh inactive user with the folder "Inbox" (role) and "Projects" below the top. */
    String user(Long quota) {
        String upn = "user" + users.incrementAndGet() + "@example.org";
        server.store.addUser(upn, "Test User", false, quota);
        ApiClient.Response r = client.post(ImportApi.storePath(upn, STORE) + "/folders", folders(
                folder(key(1000), null, "inbox", "Posteingang", "IPF.Note"),
                folder(key(1001), null, null, "Projects", "IPF.Note")));
        assertEquals(200, r.status(), r.body());
        return upn;
    }

    private ApiClient.Response postBatch(String upn, String body) {
        return client.post(ImportApi.storePath(upn, STORE) + "/messages", body);
    }

    private String uploadBlob(byte[] data) {
        String sha = Payloads.sha256(data);
        ApiClient.Response r = client.put(ImportApi.blobPath(sha), data);
        assertTrue(r.status() == 201 || r.status() == 200, r.body());
        return sha;
    }

    @Test
    void preflight_reports_user_state_and_refuses_missing_users() {
        String upn = user(5_000_000L);
        ApiClient.Response r = client.get(ImportApi.userPath(upn));
        assertEquals(200, r.status(), r.body());
        assertEquals(false, r.json().get("active").asBoolean());
        assertEquals(5_000_000L, r.json().get("quotaBytes").asLong());
        assertEquals(0, r.json().get("usageBytes").asLong());
        assertEquals(true, r.json().get("quotaEnforced").asBoolean());

        ApiClient.Response missing = client.get(ImportApi.userPath("nobody@example.org"));
        assertEquals(404, missing.status());
        assertTrue(missing.message().contains("nobody@example.org"), missing.body());
        ApiClient.Response batch = postBatch("nobody@example.org", batch(message(key(1), key(1000), "IPM.Note", "x")));
        assertEquals(404, batch.status());
        assertTrue(batch.message().contains("nobody@example.org"), batch.body());
    }

    @Test
    void an_active_mailbox_is_refused_with_409() {
        String upn = user(null);
        server.store.setActive(upn, true);
        ApiClient.Response r = postBatch(upn, batch(message(key(1), key(1000), "IPM.Note", "x")));
        assertEquals(409, r.status(), r.body());
        assertTrue(r.message().contains("mailbox must be inactive during import"), r.body());
        assertEquals(409, client.post(ImportApi.storePath(upn, STORE) + "/folders",
                folders(folder(key(7), null, null, "X", null))).status());
        assertEquals(0, server.store.messageCount(upn, STORE));
    }

    @Test
    void folders_are_idempotent_and_roles_map_onto_well_known_folders() {
        String upn = user(null);
        ApiClient.Response r = client.post(ImportApi.storePath(upn, STORE) + "/folders", folders(
                folder(key(1000), null, "inbox", "Posteingang", "IPF.Note"),
                folder(key(1002), key(1001), null, "Sub", "IPF.Note"),
                folder(key(1003), null, "calendar", "Kalender", "IPF.Appointment")));
        assertEquals(200, r.status(), r.body());
        JsonNode f = r.json().get("folders");
        assertEquals("present", f.get(0).get("status").asText());
        assertEquals("/Inbox", f.get(0).get("path").asText());
        assertEquals("created", f.get(1).get("status").asText());
        assertEquals("/Projects/Sub", f.get(1).get("path").asText());
        assertEquals("mapped", f.get(2).get("status").asText());
        assertEquals("/Calendar", f.get(2).get("path").asText());

        MailboxStats stats = server.store.stats(upn).get(0);
        assertEquals(1, stats.folders().stream().filter(x -> x.path().equals("/Calendar")).count());
        assertEquals(0, stats.folders().stream().filter(x -> x.path().equals("/Kalender")).count());
        assertEquals(13, stats.folders().size(), stats.folders().toString()); // 11 well-known + Projects + Sub

        ApiClient.Response bad = client.post(ImportApi.storePath(upn, STORE) + "/folders",
                folders(folder(key(1010), key(9999), null, "Orphan", null)));
        assertEquals(400, bad.status());
        assertTrue(bad.message().contains("parent"), bad.body());
    }

    @Test
    void the_same_batch_twice_gives_one_copy() {
        String upn = user(null);
        String body = batch(message(key(1), key(1000), "IPM.Note", "one"), message(key(2), key(1001), "IPM.Note", "two"),
                message(key(1), key(1000), "IPM.Note", "one again in the same batch"));
        ApiClient.Response first = postBatch(upn, body);
        assertEquals(200, first.status(), first.body());
        assertEquals(2, first.json().get("imported").asInt());
        assertEquals(1, first.json().get("present").asInt());
        ApiClient.Response second = postBatch(upn, body);
        assertEquals(200, second.status(), second.body());
        assertEquals(0, second.json().get("imported").asInt());
        assertEquals(3, second.json().get("present").asInt());
        for (JsonNode i : second.json().get("items")) {
            assertEquals("present", i.get("status").asText());
        }
        assertEquals(2, server.store.messageCount(upn, STORE));
        assertEquals(2, server.store.user(upn).messageCount());
    }

    @Test
    void attachment_data_shared_by_two_messages_is_stored_once() throws Exception {
        String upn = user(null);
        byte[] data = ("shared attachment " + upn).repeat(50_000).getBytes(StandardCharsets.UTF_8);
        String sha = Payloads.sha256(data);
        assertEquals(404, client.head(ImportApi.blobPath(sha)).status());
        long before = server.store.blobCount();
        ApiClient.Response put = client.put(ImportApi.blobPath(sha), data);
        assertEquals(201, put.status(), put.body());
        assertEquals("stored", put.json().get("status").asText());
        ApiClient.Response again = client.put(ImportApi.blobPath(sha), data);
        assertEquals(200, again.status(), again.body());
        assertEquals("present", again.json().get("status").asText());
        ApiClient.Response head = client.head(ImportApi.blobPath(sha));
        assertEquals(200, head.status());
        assertEquals(String.valueOf(data.length), head.headers().firstValue(ImportApi.BLOB_SIZE_HEADER).orElse(null));
        assertEquals(before + 1, server.store.blobCount());

        ObjectNode m1 = message(key(1), key(1000), "IPM.Note", "first");
        ((ArrayNode) m1.get("attachments")).add(attachment("a.bin", sha, data.length));
        ObjectNode m2 = message(key(2), key(1001), "IPM.Note", "second");
        ((ArrayNode) m2.get("attachments")).add(attachment("b.bin", sha, data.length));
        ApiClient.Response r = postBatch(upn, batch(m1, m2));
        assertEquals(2, r.json().get("imported").asInt(), r.body());
        assertEquals(before + 1, server.store.blobCount());
        try (InputStream in = server.store.openBlob(sha)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            assertTrue(java.util.Arrays.equals(data, out.toByteArray()), "blob read back differs");
        }
        MailboxStats stats = server.store.stats(upn).get(0);
        assertEquals(2, stats.messages());
        assertEquals(2, stats.attachments());
        assertTrue(stats.bytes() > 2L * data.length, "size counts the attachment data of each message");
    }

    @Test
    void corrupted_blob_uploads_are_refused_and_nothing_is_stored() {
        byte[] data = "the real data".getBytes(StandardCharsets.UTF_8);
        String wrong = Payloads.sha256("other data".getBytes(StandardCharsets.UTF_8));
        ApiClient.Response r = client.put(ImportApi.blobPath(wrong), data);
        assertEquals(400, r.status(), r.body());
        assertTrue(r.message().contains("SHA-256"), r.body());
        assertEquals(404, client.head(ImportApi.blobPath(wrong)).status());
        assertEquals(0, server.store.removeIncompleteUploads(java.time.Instant.now()), "the refused upload left chunks behind");
        assertEquals(400, client.put(ImportApi.blobPath("NOT-A-HASH"), data).status());
    }

    @Test
    void a_message_whose_blob_is_not_uploaded_is_refused_per_item() {
        String upn = user(null);
        byte[] data = ("late " + upn).getBytes(StandardCharsets.UTF_8);
        String sha = Payloads.sha256(data);
        ObjectNode m = message(key(1), key(1000), "IPM.Note", "with attachment");
        ((ArrayNode) m.get("attachments")).add(attachment("late.txt", sha, data.length));
        ObjectNode ok = message(key(2), key(1000), "IPM.Note", "without");
        ApiClient.Response r = postBatch(upn, batch(m, ok));
        assertEquals(200, r.status(), r.body());
        assertEquals("refused", r.json().get("items").get(0).get("status").asText());
        assertTrue(r.json().get("items").get(0).get("reason").asText().contains(sha), r.body());
        assertEquals("imported", r.json().get("items").get(1).get("status").asText());
        assertEquals(1, server.store.messageCount(upn, STORE));
        uploadBlob(data);
        ApiClient.Response retry = postBatch(upn, batch(m, ok));
        assertEquals("imported", retry.json().get("items").get(0).get("status").asText(), retry.body());
        assertEquals("present", retry.json().get("items").get(1).get("status").asText());
        // an unknown folder is refused the same way
        ApiClient.Response nofolder = postBatch(upn, batch(message(key(3), key(4242), "IPM.Note", "lost")));
        assertEquals("refused", nofolder.json().get("items").get(0).get("status").asText());
        assertEquals(2, server.store.messageCount(upn, STORE));
    }

    @Test
    void message_classes_outside_the_whitelist_are_skipped_logged_and_reported() {
        String upn = user(null);
        try (LogCapture log = new LogCapture()) {
            ApiClient.Response r = postBatch(upn, batch(
                    message(key(1), key(1000), "IPM.Note.SMIME.MultipartSigned", "signed"),
                    message(key(2), key(1000), "IPM.Custom.Vendor", "odd"),
                    message(key(3), key(1000), "IPM.Notebook", "not a note"),
                    message(key(4), key(1000), "REPORT.IPM.Note.NDR", "bounce")));
            assertEquals(200, r.status(), r.body());
            assertEquals(2, r.json().get("imported").asInt(), r.body());
            assertEquals(2, r.json().get("skipped").asInt(), r.body());
            JsonNode skipped = r.json().get("items").get(1);
            assertEquals("skipped", skipped.get("status").asText());
            assertEquals("IPM.Custom.Vendor", skipped.get("messageClass").asText());
            assertTrue(skipped.get("reason").asText().contains("message class not supported yet"));
            assertEquals("skipped", r.json().get("items").get(2).get("status").asText());
            assertTrue(log.has("message class not supported yet", "IPM.Custom.Vendor", key(2)), log.lines().toString());
            assertTrue(log.has("message class not supported yet", "IPM.Notebook", key(3)), log.lines().toString());
        }
        assertEquals(2, server.store.messageCount(upn, STORE));
    }

    @Test
    void an_import_beyond_the_quota_is_refused_with_507_and_nothing_of_the_batch_is_stored() {
        String upn = user(3000L);
        ObjectNode small = message(key(1), key(1000), "IPM.Note", "small");
        ApiClient.Response ok = postBatch(upn, batch(small));
        assertEquals(200, ok.status(), ok.body());
        long usage = server.store.user(upn).usageBytes();
        assertTrue(usage > 0);
        ObjectNode big = message(key(2), key(1000), "IPM.Note", "x".repeat(4000));
        ObjectNode small2 = message(key(3), key(1000), "IPM.Note", "small too");
        ApiClient.Response r = postBatch(upn, batch(small2, big));
        assertEquals(507, r.status(), r.body());
        assertTrue(r.message().contains("quota"), r.body());
        assertEquals(1, server.store.messageCount(upn, STORE));
        assertEquals(usage, server.store.user(upn).usageBytes());
        server.store.setQuota(upn, null);
        assertEquals(2, postBatch(upn, batch(small2, big)).json().get("imported").asInt());
    }

    @Test
    void malformed_requests_get_400_and_leave_nothing_written() {
        String upn = user(null);
        String good = message(key(1), key(1000), "IPM.Note", "good").toString();
        List<String> bad = List.of(
                "{\"items\": [" + good + ", {\"sourceKey\": ",                                  // truncated JSON
                "{\"items\": [" + good + ", " + message(key(2), key(1000), "IPM.Note", "x").put("colour", "red") + "]}",
                "{\"items\": [" + good + ", " + message(key(3), key(1000), "IPM.Note", "x").put("associated", "yes") + "]}",
                "{\"items\": [" + good + "], \"extra\": 1}",
                "{\"items\": [" + good + "]} trailing",
                "[" + good + "]",
                "{\"items\": [" + good + ", " + withProp(message(key(4), key(1000), "IPM.Note", "x"),
                        prop("0x0E080003", "PT_LONG", "12")) + "]}",
                "{\"items\": [" + good + ", " + withProp(message(key(5), key(1000), "IPM.Note", "x"),
                        prop("0x0E080014", "PT_LONG", 12)) + "]}",
                "{\"items\": [" + good + ", " + withProp(message(key(6), key(1000), "IPM.Note", "x"),
                        prop("0x80010003", "PT_LONG", 12)) + "]}",
                "{\"items\": [" + good + ", " + message("XYZ", key(1000), "IPM.Note", "x") + "]}",
                "{\"items\": [" + good + ", " + message(key(7), key(1000), "IPM.Note", "y".repeat(2_200_000)) + "]}");
        for (String body : bad) {
            ApiClient.Response r = postBatch(upn, body);
            assertEquals(400, r.status(), () -> body.substring(0, Math.min(200, body.length())) + " -> " + r.body());
            assertNotNull(r.json(), r.body());
            assertTrue(r.message().length() > 10, r.body());
        }
        assertEquals(0, server.store.messageCount(upn, STORE));
        ApiClient.Response many = postBatch(upn, batch(java.util.stream.IntStream.range(0, 51)
                .mapToObj(i -> message(key(100 + i), key(1000), "IPM.Note", "n")).toArray(ObjectNode[]::new)));
        assertEquals(400, many.status());
        assertTrue(many.message().contains("max_batch_items"), many.body());
        assertEquals(0, server.store.messageCount(upn, STORE));
        assertEquals(200, postBatch(upn, batch(message(key(1), key(1000), "IPM.Note", "good"))).status());
    }

    private static ObjectNode withProp(ObjectNode m, ObjectNode p) {
        ((ArrayNode) m.get("properties")).add(p);
        return m;
    }

    @Test
    void concurrent_batches_from_several_connections_import_each_message_once() throws Exception {
        String upn = user(null);
        List<String> batches = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            List<ObjectNode> items = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                // batches overlap: message n appears in batch b and b+1
                int n = ((b * 10) + i) % 60;
                items.add(message(key(n), key(1000 + n % 2), "IPM.Note", "m" + n));
            }
            batches.add(batch(items.toArray(ObjectNode[]::new)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger imported = new AtomicInteger();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int shift = t;
                fs.add(pool.submit(() -> {
                    ApiClient own = server.client();  // a connection of its own
                    for (int k = 0; k < batches.size(); k++) {
                        ApiClient.Response r = own.post(ImportApi.storePath(upn, STORE) + "/messages",
                                batches.get((k + shift) % batches.size()));
                        assertEquals(200, r.status(), r.body());
                        assertEquals(15, r.json().get("imported").asInt() + r.json().get("present").asInt());
                        imported.addAndGet(r.json().get("imported").asInt());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(60, server.store.messageCount(upn, STORE));
        assertEquals(60, imported.get());
        assertEquals(60, server.store.user(upn).messageCount());
    }

    @Test
    void properties_of_every_type_are_stored_losslessly_with_embedded_messages() throws Exception {
        String upn = user(null);
        byte[] data = ("attachment of " + upn).getBytes(StandardCharsets.UTF_8);
        byte[] inner = ("inner attachment of " + upn).getBytes(StandardCharsets.UTF_8);
        String sha = uploadBlob(data);
        String innerSha = uploadBlob(inner);
        String psetid = "{00062002-0000-0000-C000-000000000046}";
        String pspub = "{00020329-0000-0000-C000-000000000046}";
        ObjectNode m = message(key(1), key(1001), "IPM.Appointment", "Grüße 👋 & <tags>");
        ArrayNode props = (ArrayNode) m.get("properties");
        props.add(prop("0x00170003", "PT_LONG", -1));
        props.add(prop("0x00260002", "PT_SHORT", -32768));
        props.add(prop("0x0E080014", "PT_I8", "9007199254740993"));
        props.add(prop("0x30070040", "PT_SYSTIME", "133476012000000000"));
        props.add(prop("0x0E1B000B", "PT_BOOLEAN", true));
        props.add(prop("0x66000006", "PT_CURRENCY", "-922337203685477580"));
        props.add(prop("0x66010005", "PT_DOUBLE", 0.1));
        props.add(prop("0x66020004", "PT_FLOAT", 1.5));
        props.add(prop("0x66030007", "PT_APPTIME", 45000.25));
        props.add(prop("0x6604001E", "PT_STRING8", "plain ascii"));
        props.add(prop("0x66050048", "PT_CLSID", Base64.getEncoder().encodeToString(new byte[16])));
        props.add(prop("0x00710102", "PT_BINARY", Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 255})));
        props.add(prop("0x66060005", "PT_DOUBLE", "NaN"));
        props.add(prop("0x6607000A", "PT_ERROR", -2147221233));
        props.add(prop("0x6608101F", "PT_MV_UNICODE", List.of("a", "ü", "")));
        props.add(prop("0x66091102", "PT_MV_BINARY", List.of("AAE=", "")));
        props.add(prop("0x660A1003", "PT_MV_LONG", List.of(1, -2, 2147483647)));
        props.add(prop("0x660B1014", "PT_MV_I8", List.of("-9223372036854775808", "0")));
        props.add(named("0x8205000B", "PT_BOOLEAN", true, psetid, 33285L, null));
        props.add(named("0x8523101F", "PT_MV_UNICODE", List.of("red", "blue"), pspub, null, "Keywords"));
        props.add(prop("0x0E05001F", "PT_UNICODE", "x".repeat(70_000)));
        ArrayNode recips = (ArrayNode) m.get("recipients");
        recips.addArray().add(prop("0x3001001F", "PT_UNICODE", "Anna")).add(prop("0x0C150003", "PT_LONG", 1));
        recips.addArray().add(prop("0x3001001F", "PT_UNICODE", "Bert")).add(prop("0x0C150003", "PT_LONG", 2));
        ArrayNode atts = (ArrayNode) m.get("attachments");
        atts.add(attachment("file.bin", sha, data.length));
        ObjectNode missing = attachment("gone.pdf", null, 0);
        missing.put("missing", true);
        atts.add(missing);
        ObjectNode emb = attachment("forwarded", null, 0);
        ObjectNode embMsg = emb.putObject("embedded");
        embMsg.put("messageClass", "IPM.Note");
        embMsg.putArray("properties").add(prop("0x0037001F", "PT_UNICODE", "inner subject"));
        embMsg.putArray("recipients").addArray().add(prop("0x3001001F", "PT_UNICODE", "Carl"));
        embMsg.putArray("attachments").add(attachment("inner.txt", innerSha, inner.length));
        atts.add(emb);

        ApiClient.Response r = postBatch(upn, batch(m));
        assertEquals(1, r.json().get("imported").asInt(), r.body());

        MessageItem back = server.store.readMessage(upn, STORE, key(1));
        assertNotNull(back);
        com.fasterxml.jackson.databind.ObjectMapper out = ApiJson.mapper();
        JsonNode backJson = out.valueToTree(back);
        assertEquals(m.get("properties").toString(), backJson.get("properties").toString());
        assertEquals(m.get("recipients").toString(), backJson.get("recipients").toString());
        assertEquals(m.get("attachments").toString(), backJson.get("attachments").toString());
        assertEquals(key(1001), back.folder());
        assertEquals("IPM.Appointment", back.messageClass());
        assertNull(back.attachments().get(2).blob());
        assertEquals(4, server.store.stats(upn).get(0).attachments()); // 3 + 1 in the embedded message
    }

    @Test
    void store_completion_reports_the_servers_counts() {
        String upn = user(null);
        byte[] data = ("report " + upn).getBytes(StandardCharsets.UTF_8);
        String sha = uploadBlob(data);
        ObjectNode m = message(key(1), key(1000), "IPM.Note", "one");
        ((ArrayNode) m.get("attachments")).add(attachment("f", sha, data.length));
        postBatch(upn, batch(m, message(key(2), key(1001), "IPM.Note", "two")));
        ApiClient.Response r = client.post(ImportApi.storePath(upn, STORE) + "/complete", "");
        assertEquals(200, r.status(), r.body());
        assertEquals(2, r.json().get("messages").asLong());
        assertEquals(1, r.json().get("attachments").asLong());
        assertEquals(2, r.json().get("folders").asLong());
        assertEquals(server.store.user(upn).usageBytes(), r.json().get("bytes").asLong());
        assertTrue(r.json().get("bytes").asLong() > data.length);
        assertNotNull(r.json().get("completedAt"), r.body());
    }

    @Test
    void a_batch_interrupted_mid_body_leaves_nothing_behind() throws Exception {
        String upn = user(null);
        String full = batch(message(key(1), key(1000), "IPM.Note", "complete item"),
                message(key(2), key(1000), "IPM.Note", "second"));
        byte[] body = full.getBytes(StandardCharsets.UTF_8);
        String path = ImportApi.storePath(upn, STORE) + "/messages";
        try (Socket s = pki.clientContext(false).getSocketFactory().createSocket(server.host, server.port)) {
            OutputStream o = s.getOutputStream();
            o.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.write(body, 0, body.length * 2 / 3);  // the first item is complete, the rest never comes
            o.flush();
            Thread.sleep(300);
        }
        byte[] blob = ("interrupted blob " + upn).repeat(1000).getBytes(StandardCharsets.UTF_8);
        String sha = Payloads.sha256(blob);
        try (Socket s = pki.clientContext(false).getSocketFactory().createSocket(server.host, server.port)) {
            OutputStream o = s.getOutputStream();
            o.write(("PUT " + ImportApi.blobPath(sha) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: " + blob.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.write(blob, 0, blob.length / 2);
            o.flush();
            Thread.sleep(300);
        }
        Thread.sleep(500);
        assertEquals(0, server.store.messageCount(upn, STORE));
        assertEquals(404, client.head(ImportApi.blobPath(sha)).status());
        assertEquals(2, postBatch(upn, full).json().get("imported").asInt());
    }

    @Test
    void data_survives_a_restart() {
        String upn = user(null);
        String body = batch(message(key(1), key(1000), "IPM.Note", "before restart"));
        assertEquals(1, postBatch(upn, body).json().get("imported").asInt());
        server.restart();
        client = server.client();
        ApiClient.Response r = postBatch(upn, body);
        assertEquals(200, r.status(), r.body());
        assertEquals(1, r.json().get("present").asInt(), r.body());
        assertEquals(1, server.store.messageCount(upn, STORE));
        assertEquals("before restart", server.store.readMessage(upn, STORE, key(1)).properties().get(1).value().asText());
    }

    /**
     * Schema version 2 keeps an object's properties in one imp_props row; a store written by version 1
     * (one imp_property row per property) is still read, and opening it marks it with the current version.
     */
    @Test
    void objects_written_by_schema_version_1_are_still_read() throws Exception {
        String upn = user(null);
        String body = batch(message(key(77), key(1000), "IPM.Note", "written as version 1"));
        assertEquals(1, postBatch(upn, body).json().get("imported").asInt());
        String before = JSON.writeValueAsString(server.store.readMessage(upn, STORE, key(77)));
        int converted = 0;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(loc.url(), loc.user(), loc.password())) {
            c.setAutoCommit(false);
            List<Object[]> rows = new ArrayList<>();
            try (java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT owner_kind, owner_id, part, props FROM imp_props"
                         + " ORDER BY owner_kind, owner_id, part")) {
                while (rs.next()) {
                    rows.add(new Object[] {rs.getString(1), rs.getLong(2), rs.getBytes(4)});
                }
            }
            try (java.sql.PreparedStatement ins = c.prepareStatement("INSERT INTO imp_property (owner_kind, owner_id, seq,"
                    + " tag, ptype, name_guid, name_lid, name_str, val) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                String owner = null;
                int seq = 0;
                for (Object[] r : rows) {
                    String o = r[0] + "/" + r[1];
                    seq = o.equals(owner) ? seq : 0;
                    owner = o;
                    for (JsonNode p : CBOR.readTree((byte[]) r[2])) {
                        ins.setString(1, (String) r[0]);
                        ins.setLong(2, (Long) r[1]);
                        ins.setInt(3, seq++);
                        ins.setLong(4, p.get(0).asLong());
                        ins.setInt(5, p.get(1).asInt());
                        ins.setString(6, p.get(2).isNull() ? null : p.get(2).asText());
                        if (p.get(3).isNull()) {
                            ins.setNull(7, java.sql.Types.BIGINT);
                        } else {
                            ins.setLong(7, p.get(3).asLong());
                        }
                        ins.setString(8, p.get(4).isNull() ? null : p.get(4).asText());
                        ins.setString(9, p.get(5).asText());
                        ins.addBatch();
                        converted++;
                    }
                }
                ins.executeBatch();
            }
            try (java.sql.Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM imp_props");
                st.executeUpdate("UPDATE imp_meta SET val = '1' WHERE name = 'schema_version'");
            }
            c.commit();
        }
        assertTrue(converted >= 3, "property rows written in the version-1 layout: " + converted);
        server.restart();
        client = server.client();
        assertEquals(before, JSON.writeValueAsString(server.store.readMessage(upn, STORE, key(77))));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(loc.url(), loc.user(), loc.password());
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT val FROM imp_meta WHERE name = 'schema_version'")) {
            assertTrue(rs.next());
            assertEquals("3", rs.getString(1));
        }
        // and new messages go into imp_props again, next to the old rows
        assertEquals(1, postBatch(upn, batch(message(key(78), key(1000), "IPM.Note", "version 2 again")))
                .json().get("imported").asInt());
        assertEquals("version 2 again", server.store.readMessage(upn, STORE, key(78)).properties().get(1).value().asText());
    }

    // ------------------------------------------------------------------ API 1.1: inline data, blob query

    /** An attachment whose data travels inline (base64) in the message. */
    private static ObjectNode inlineAttachment(String fileName, byte[] data) {
        ObjectNode a = attachment(fileName, Payloads.sha256(data), data.length);
        ((ObjectNode) a.get("blob")).put("data", Base64.getEncoder().encodeToString(data));
        return a;
    }

    private static ObjectNode withAttachment(ObjectNode m, ObjectNode a) {
        ((ArrayNode) m.get("attachments")).add(a);
        return m;
    }

    private byte[] readBlob(String sha) throws Exception {
        try (InputStream in = server.store.openBlob(sha)) {
            assertNotNull(in, "blob " + sha + " is not stored");
            return in.readAllBytes();
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void capabilities_announce_api_1_1_with_the_inline_and_blob_query_limits() {
        ApiClient.Response r = client.get(ImportApi.BASE_PATH + "/capabilities");
        assertEquals(200, r.status(), r.body());
        assertEquals("1.1", r.json().get("apiVersion").asText());
        assertEquals(256 * 1024, r.json().get("limits").get("maxInlineBlobBytes").asLong(), r.body());
        assertEquals(ImportApi.MAX_BLOB_QUERY, r.json().get("limits").get("maxBlobQuery").asInt(), r.body());
    }

    @Test
    void inline_attachment_data_is_stored_with_the_message_and_reads_back_byte_for_byte() throws Exception {
        String upn = user(null);
        byte[] data = random(256 * 1024, 11);        // exactly max_inline_blob_bytes
        byte[] inner = random(777, 12);              // in an embedded message
        byte[] shared = random(5000, 13);            // inline in two messages of the batch
        String sha = Payloads.sha256(data);
        long before = server.store.blobCount();
        ObjectNode m1 = withAttachment(message(key(1), key(1000), "IPM.Note", "with inline data"),
                inlineAttachment("big.bin", data));
        ObjectNode emb = attachment("forwarded", null, 0);
        ObjectNode embMsg = emb.putObject("embedded");
        embMsg.put("messageClass", "IPM.Note");
        embMsg.putArray("properties").add(prop("0x0037001F", "PT_UNICODE", "inner"));
        embMsg.putArray("recipients");
        embMsg.putArray("attachments").add(inlineAttachment("inner.txt", inner));
        withAttachment(m1, emb);
        withAttachment(m1, inlineAttachment("shared.txt", shared));
        ObjectNode m2 = withAttachment(message(key(2), key(1001), "IPM.Note", "shares"), inlineAttachment("s.txt", shared));
        ApiClient.Response r = postBatch(upn, batch(m1, m2));
        assertEquals(200, r.status(), r.body());
        assertEquals(2, r.json().get("imported").asInt(), r.body());
        assertEquals(before + 3, server.store.blobCount(), "each blob stored once");
        assertTrue(java.util.Arrays.equals(data, readBlob(sha)), "inline data read back differs");
        assertTrue(java.util.Arrays.equals(inner, readBlob(Payloads.sha256(inner))));
        assertTrue(java.util.Arrays.equals(shared, readBlob(Payloads.sha256(shared))));
        ApiClient.Response head = client.head(ImportApi.blobPath(sha));
        assertEquals(200, head.status());
        assertEquals(String.valueOf(data.length), head.headers().firstValue(ImportApi.BLOB_SIZE_HEADER).orElse(null));
        assertEquals(0, server.store.removeIncompleteUploads(java.time.Instant.now()), "no chunks without their blob row");

        // the message refers to the blob as any uploaded one; the data itself is not part of the message
        MessageItem back = server.store.readMessage(upn, STORE, key(1));
        assertEquals(sha, back.attachments().get(0).blob().sha256());
        assertEquals(data.length, back.attachments().get(0).blob().size());
        assertNull(back.attachments().get(0).blob().data());
        MailboxStats stats = server.store.stats(upn).get(0);
        assertEquals(5, stats.attachments()); // 3 + 1 in the embedded message + 1
        assertTrue(stats.bytes() > data.length + inner.length + 2L * shared.length, "quota size counts inline data");

        // a later message may refer to it without data; sending the first again is 'present' and stores nothing
        ObjectNode m3 = withAttachment(message(key(3), key(1000), "IPM.Note", "refers"), attachment("x", sha, data.length));
        ApiClient.Response again = postBatch(upn, batch(m1, m3));
        assertEquals("present", again.json().get("items").get(0).get("status").asText(), again.body());
        assertEquals("imported", again.json().get("items").get(1).get("status").asText(), again.body());
        assertEquals(before + 3, server.store.blobCount());
        assertEquals(0, server.store.removeIncompleteUploads(java.time.Instant.now()));
    }

    @Test
    void inline_data_of_items_that_are_not_imported_is_not_stored() {
        String upn = user(null);
        byte[] a = random(1000, 21);
        byte[] b = random(1000, 22);
        byte[] c = random(1000, 23);
        ApiClient.Response r = postBatch(upn, batch(
                withAttachment(message(key(1), key(1000), "IPM.Custom.Vendor", "skipped class"), inlineAttachment("a", a)),
                withAttachment(message(key(2), key(4242), "IPM.Note", "unknown folder"), inlineAttachment("b", b)),
                withAttachment(withAttachment(message(key(3), key(1000), "IPM.Note", "lacks a blob"),
                        inlineAttachment("c", c)), attachment("gone", Payloads.sha256("never uploaded".getBytes(
                                StandardCharsets.UTF_8)), 14))));
        assertEquals(200, r.status(), r.body());
        assertEquals(1, r.json().get("skipped").asInt(), r.body());
        assertEquals(2, r.json().get("refused").asInt(), r.body());
        for (byte[] d : List.of(a, b, c)) {
            assertEquals(404, client.head(ImportApi.blobPath(Payloads.sha256(d))).status());
        }
        assertEquals(0, server.store.messageCount(upn, STORE));
        assertEquals(0, server.store.removeIncompleteUploads(java.time.Instant.now()), "nothing staged for them");
    }

    @Test
    void bad_inline_data_is_a_400_and_nothing_of_the_batch_is_stored() {
        String upn = user(null);
        byte[] good = random(3000, 31);
        ObjectNode first = withAttachment(message(key(1), key(1000), "IPM.Note", "good"), inlineAttachment("g", good));
        byte[] tooLong = random(256 * 1024 + 1, 32);
        byte[] other = random(100, 33);
        ObjectNode wrongSize = inlineAttachment("w", other);
        ((ObjectNode) wrongSize.get("blob")).put("size", 99);
        ObjectNode wrongSha = inlineAttachment("s", other);
        ((ObjectNode) wrongSha.get("blob")).put("sha256", Payloads.sha256(good));
        ObjectNode notBase64 = inlineAttachment("b", other);
        ((ObjectNode) notBase64.get("blob")).put("data", "**not base64**");
        for (ObjectNode bad : List.of(inlineAttachment("t", tooLong), wrongSize, wrongSha, notBase64)) {
            ApiClient.Response r = postBatch(upn, batch(first.deepCopy(),
                    withAttachment(message(key(2), key(1000), "IPM.Note", "bad"), bad)));
            assertEquals(400, r.status(), r.body());
            assertEquals("bad-request", r.json().get("error").asText(), r.body());
            assertTrue(r.message().contains("items[1]") && r.message().contains("blob"), r.body());
        }
        assertEquals(0, server.store.messageCount(upn, STORE));
        assertEquals(404, client.head(ImportApi.blobPath(Payloads.sha256(good))).status(), "nothing of the batch stored");
        assertEquals(404, client.head(ImportApi.blobPath(Payloads.sha256(tooLong))).status());
        assertEquals(0, server.store.removeIncompleteUploads(java.time.Instant.now()), "the rolled-back batch left no chunks");
        assertEquals(0, server.store.user(upn).usageBytes());
        assertEquals(1, postBatch(upn, batch(first)).json().get("imported").asInt());
    }

    /**
     * Two mailboxes' batches store the same inline blobs at the same time, in opposite orders: both
     * succeed, each blob is stored once, no chunk is left over.
     */
    @Test
    void the_same_inline_data_from_two_mailboxes_at_once_is_stored_once() throws Exception {
        String anna = user(null);
        String bert = user(null);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                List<byte[]> blobs = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    blobs.add(random(2000 + i, 1000L * round + i));
                }
                long before = server.store.blobCount();
                List<Future<ApiClient.Response>> fs = new ArrayList<>();
                for (String upn : List.of(anna, bert)) {
                    List<ObjectNode> items = new ArrayList<>();
                    for (int i = 0; i < blobs.size(); i++) {
                        int n = upn.equals(anna) ? i : blobs.size() - 1 - i;
                        items.add(withAttachment(message(key(100 * round + i), key(1000), "IPM.Note", "m" + i),
                                inlineAttachment("f" + n, blobs.get(n))));
                    }
                    String body = batch(items.toArray(ObjectNode[]::new));
                    fs.add(pool.submit(() -> server.client().post(ImportApi.storePath(upn, STORE) + "/messages", body)));
                }
                for (Future<ApiClient.Response> f : fs) {
                    ApiClient.Response r = f.get(120, TimeUnit.SECONDS);
                    assertEquals(200, r.status(), r.body());
                    assertEquals(blobs.size(), r.json().get("imported").asInt(), r.body());
                }
                assertEquals(before + blobs.size(), server.store.blobCount(), "round " + round);
                for (byte[] d : blobs) {
                    assertTrue(java.util.Arrays.equals(d, readBlob(Payloads.sha256(d))));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, server.store.removeIncompleteUploads(java.time.Instant.now()), "the batch that came second dropped its chunks");
        assertEquals(48, server.store.messageCount(anna, STORE));
        assertEquals(48, server.store.messageCount(bert, STORE));
    }

    @Test
    void the_blob_query_names_what_is_missing_in_request_order() {
        byte[] stored = ("stored for the query " + getClass().getSimpleName()).getBytes(StandardCharsets.UTF_8);
        String sha = uploadBlob(stored);
        String a = Payloads.sha256("query a".getBytes(StandardCharsets.UTF_8));
        String b = Payloads.sha256("query b".getBytes(StandardCharsets.UTF_8));
        ObjectNode q = JSON.createObjectNode();
        ArrayNode blobs = q.putArray("blobs");
        blobs.addObject().put("sha256", b).put("size", 7);
        blobs.addObject().put("sha256", sha).put("size", stored.length);
        blobs.addObject().put("sha256", sha).put("size", stored.length + 1);
        blobs.addObject().put("sha256", a).put("size", 7);
        ApiClient.Response r = client.post(ImportApi.BLOB_QUERY_PATH, q.toString());
        assertEquals(200, r.status(), r.body());
        JsonNode missing = r.json().get("missing");
        assertEquals(3, missing.size(), r.body());
        assertEquals(b, missing.get(0).get("sha256").asText());
        assertEquals(sha, missing.get(1).get("sha256").asText());
        assertEquals(stored.length + 1, missing.get(1).get("size").asLong(), "stored with another size counts as missing");
        assertEquals(a, missing.get(2).get("sha256").asText());
        assertNull(missing.get(0).get("data"));

        ApiClient.Response none = client.post(ImportApi.BLOB_QUERY_PATH, "{\"blobs\": []}");
        assertEquals(200, none.status(), none.body());
        assertEquals(0, none.json().get("missing").size());

        ObjectNode tooMany = JSON.createObjectNode();
        ArrayNode all = tooMany.putArray("blobs");
        for (int i = 0; i <= ImportApi.MAX_BLOB_QUERY; i++) {
            all.addObject().put("sha256", a).put("size", i);
        }
        ObjectNode withData = JSON.createObjectNode();
        withData.putArray("blobs").addObject().put("sha256", a).put("size", 1).put("data", "AA==");
        for (String bad : List.of(tooMany.toString(), withData.toString(), "{\"blobs\": [{\"sha256\": \"XYZ\", \"size\": 1}]}",
                "{\"blobs\": [{\"sha256\": \"" + a + "\", \"size\": 1, \"colour\": 1}]}", "{\"blobs\": ", "[]")) {
            ApiClient.Response e = client.post(ImportApi.BLOB_QUERY_PATH, bad);
            assertEquals(400, e.status(), () -> bad.substring(0, Math.min(200, bad.length())) + " -> " + e.body());
            assertEquals("bad-request", e.json().get("error").asText(), e.body());
        }
    }
}
