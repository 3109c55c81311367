package org.kgmigration.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.importer.TestPki;
import org.kgmigration.importer.store.FolderStats;
import org.kgmigration.importer.store.MailboxStats;
import org.kgmigration.stream.DumpFormat;
import org.kgmigration.stream.Prop;

/** migrate import against the real importer over HTTPS on loopback: delivery, mapping, skips, repeat runs. */
class ImportDeliveryTest {
    @TempDir
    static Path shared;
    static TestPki pki;
    @TempDir
    Path tmp;
    ImporterFixture importer;

    static final String A = TestDump.guid(1);
    static final String B = TestDump.guid(2);

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

    MigrateRun migrate() {
        return MigrateRun.to(importer).args("--ca-file=" + pki.caCert);
    }

    /**
     * Store A (anna@example.org): Inbox with 3 mails (attachments of 3000 bytes, 2 MiB + 10 in 3 chunks,
     * the same 3000 bytes again, an embedded message with its own attachment, a missing attachment,
     * all property types), a user folder below the Inbox with 2 mails, Calendar with an appointment
     * and an associated message, a non-IPM folder with one message, a note of a class the client
     * list leaves out. Store B (bert, no domain): one folder, one mail.
     */
    static Path richDump(Path dir) {
        Path file = dir.resolve("rich.kgd");
        TestDump d = TestDump.to(file);
        d.index(A, "private", "anna@example.org", "anna@example.org").index(B, "private", "bert", "bert@old.example")
                .header();
        d.store(A, "private", "anna@example.org", "anna@example.org").skeleton("a000", "a001")
                .folder("a0ff", "a000", null, "Freebusy Data").message("c0000001", "IPM.Microsoft.ScheduleData.FreeBusy", "fb")
                .endMessage().endFolder()
                .folder("a002", "a001", "inbox", "Posteingang", "IPF.Note", false)
                .message("c0000002", false, false, "IPM.Note", TestDump.allTypes(2))
                .attachment("a.txt", TestDump.bytes(3000, 1))
                .attachment("big.bin", TestDump.bytes(2 * DumpFormat.MAX_CHUNK + 10, 2)).endMessage()
                .message("c0000003", "IPM.Note", "fwd").embedded("IPM.Note", "inner")
                .attachment("inner.txt", TestDump.bytes(77, 3)).endEmbedded().attachment("again.txt", TestDump.bytes(3000, 1))
                .endMessage()
                .message("c0000004", "IPM.Note", "gone").missingAttachment("gone.pdf").endMessage()
                .endFolder()
                .folder("a003", "a002", null, "Projekte").message("c0000005", "IPM.Note", "p1").endMessage()
                .message("c0000006", "IPM.Note.SMIME", "p2").endMessage().endFolder()
                .folder("a004", "a001", "calendar", "Kalender", "IPF.Appointment", false)
                .message("c0000007", false, false, "IPM.Appointment", TestDump.allTypes(7)).endMessage()
                .message("c0000008", true, false, "IPM.Microsoft.FolderDesign.NamedView", List.of()).endMessage()
                .message("c0000009", "Custom.Kopano.Thing", "custom").endMessage()
                .endFolder().endStore();
        d.store(B, "private", "bert", "bert@old.example").skeleton("b000", "b001")
                .folder("b002", "b001", "inbox", "Inbox").message("d0000001", "IPM.Note", "hi bert").endMessage()
                .endFolder().endStore();
        d.finish();
        return file;
    }

    /** With an importer that takes no inline data every blob goes the PUT way (the 1.0 way of uploading). */
    @Test
    void a_dump_file_arrives_complete_property_by_property() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, "max_inline_blob_bytes: 0");
        importer.addUsers(List.of("anna@example.org", "bert@example.org"));
        Path dump = richDump(tmp);
        MigrateRun.Result r = migrate().args("--input=" + dump, "--default-domain=example.org").go(tmp);
        // skipped: the non-IPM folder with its message, the custom class, the missing attachment data
        assertEquals(3, r.code(), r.toString());
        JsonNode a = r.store(A);
        assertEquals("imported", a.get("status").asText(), r.toString());
        assertEquals("anna@example.org", a.get("target").asText());
        assertEquals(7, a.get("messages").asInt(), r.toString());
        assertEquals(7, a.get("imported").asInt(), r.toString());
        assertEquals(1, a.get("skipped").get("message class not whitelisted (client): Custom.Kopano.Thing").asInt(), r.toString());
        assertEquals(1, a.get("skipped").get("folder outside the IPM subtree (import API v1 has no place for it)").asInt());
        assertEquals(1, a.get("skipped").get("attachment data missing in the dump (sent as a missing attachment)").asInt());
        assertEquals(3000 + 2 * DumpFormat.MAX_CHUNK + 10 + 77 + 3000, a.get("attachmentBytes").asLong(), r.toString());
        assertEquals(3, a.get("blobs").get("uploaded").asInt(), "the same 3000 bytes are uploaded once: " + r);
        assertEquals(0, a.get("blobs").get("inline").asInt(), r.toString());
        assertEquals("bert@example.org", r.store(B).get("target").asText(), "default domain appended");
        assertEquals(1, r.store(B).get("imported").asInt());

        StoreCompare c = new StoreCompare(importer.store, Map.of(A, "anna@example.org", B, "bert@example.org"))
                .run(dump, m -> !m.folderId().equals("a0ff") && !"c0000009".equals(m.message().id()));
        assertEquals(List.of(), c.differences());
        assertEquals(8, c.compared());

        MailboxStats stats = importer.store.stats("anna@example.org").get(0);
        Map<String, Long> byPath = new java.util.TreeMap<>();
        for (FolderStats f : stats.folders()) {
            byPath.put(f.path(), f.messages());
        }
        assertEquals(3L, byPath.get("/Inbox"), byPath.toString());
        assertEquals(2L, byPath.get("/Inbox/Projekte"), byPath.toString());
        assertEquals(2L, byPath.get("/Calendar"), byPath.toString());
    }

    /**
     * With the default importer (API 1.1, inline up to 256 KiB) the small attachments travel inline
     * and only the 2 MiB one is uploaded; the result in the store is the same.
     */
    @Test
    void small_attachments_travel_inline_and_only_large_ones_are_uploaded() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUsers(List.of("anna@example.org", "bert@example.org"));
        Path dump = richDump(tmp);
        MigrateRun.Result r = migrate().args("--input=" + dump, "--default-domain=example.org").go(tmp);
        assertEquals(3, r.code(), r.toString());
        JsonNode a = r.store(A);
        assertEquals(7, a.get("imported").asInt(), r.toString());
        JsonNode blobs = a.get("blobs");
        assertEquals(1, blobs.get("uploaded").asInt(), "only big.bin needs a PUT: " + r);
        assertEquals(2 * DumpFormat.MAX_CHUNK + 10, blobs.get("bytesUploaded").asLong(), r.toString());
        assertEquals(3, blobs.get("inline").asInt(), "a.txt, inner.txt and again.txt (same data as a.txt) inline: " + r);
        assertEquals(3000 + 77 + 3000, blobs.get("bytesInline").asLong(), r.toString());
        assertTrue(r.stderr().contains("1 uploaded") && r.stderr().contains("3 inline in the messages"), r.stderr());
        assertEquals(3, importer.store.blobCount(), "3000 bytes, 2 MiB + 10 and 77 bytes, each once");
        assertEquals(0, importer.store.removeIncompleteUploads(java.time.Instant.now()));
        StoreCompare c = new StoreCompare(importer.store, Map.of(A, "anna@example.org", B, "bert@example.org"))
                .run(dump, m -> !m.folderId().equals("a0ff") && !"c0000009".equals(m.message().id()));
        assertEquals(List.of(), c.differences());
        assertEquals(8, c.compared());

        // a repeated run without the journal: every item present, nothing stored twice, no upload
        java.nio.file.Files.delete(tmp.resolve("rich.kgd.journal"));
        MigrateRun.Result again = migrate().args("--input=" + dump, "--default-domain=example.org").go(tmp);
        assertEquals(3, again.code(), again.toString());
        assertEquals(7, again.store(A).get("alreadyPresent").asInt(), again.toString());
        assertEquals(0, again.store(A).get("blobs").get("uploaded").asInt(), again.toString());
        assertEquals(3, importer.store.blobCount());
        assertEquals(7, messages("anna@example.org", A));
    }

    /**
     * An importer of API 1.0 (an earlier version: no inline data, no blob query; here the real
     * importer behind {@link ApiOneZeroProxy}) is asked for each blob with a HEAD and gets a PUT for
     * each one it lacks, never the blob query; the mailbox is the same as through API 1.1. A repeated
     * run without the journal finds every blob by its HEAD and uploads nothing.
     */
    @Test
    void an_api_1_0_importer_is_asked_blob_by_blob_and_gets_only_what_it_lacks() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUsers(List.of("anna@example.org", "bert@example.org"));
        Path dump = richDump(tmp);
        try (ApiOneZeroProxy proxy = ApiOneZeroProxy.start(importer, pki)) {
            MigrateRun run = MigrateRun.to(proxy.url()).args("--ca-file=" + pki.caCert, "--input=" + dump,
                    "--default-domain=example.org");
            MigrateRun.Result r = run.go(tmp);
            assertEquals(3, r.code(), r.toString());
            assertTrue(r.stderr().contains("API 1.0"), r.stderr());
            JsonNode a = r.store(A);
            assertEquals(7, a.get("imported").asInt(), r.toString());
            assertEquals(0, a.get("blobs").get("inline").asInt(), r.toString());
            assertEquals(3, a.get("blobs").get("uploaded").asInt(), "3000 bytes once, 2 MiB + 10, 77 bytes: " + r);
            String blobs = org.kgmigration.api.ImportApi.BASE_PATH + "/blobs/";
            assertEquals(0, proxy.count("POST", org.kgmigration.api.ImportApi.BLOB_QUERY_PATH), proxy.requests().toString());
            assertEquals(3, proxy.count("PUT", blobs), proxy.requests().toString());
            long heads = proxy.count("HEAD", blobs);
            assertTrue(heads >= 3, "a HEAD before each upload: " + proxy.requests());
            assertEquals(3, importer.store.blobCount());
            StoreCompare c = new StoreCompare(importer.store, Map.of(A, "anna@example.org", B, "bert@example.org"))
                    .run(dump, m -> !m.folderId().equals("a0ff") && !"c0000009".equals(m.message().id()));
            assertEquals(List.of(), c.differences());
            assertEquals(8, c.compared());

            java.nio.file.Files.delete(tmp.resolve("rich.kgd.journal"));
            MigrateRun.Result again = run.go(tmp);
            assertEquals(3, again.code(), again.toString());
            assertEquals(7, again.store(A).get("alreadyPresent").asInt(), again.toString());
            assertEquals(0, again.store(A).get("blobs").get("uploaded").asInt(), again.toString());
            assertEquals(3, proxy.count("PUT", blobs), "no upload in the repeated run: " + proxy.requests());
            assertTrue(proxy.count("HEAD", blobs) > heads, "the repeated run asked by HEAD: " + proxy.requests());
            assertEquals(3, importer.store.blobCount());
            assertEquals(7, messages("anna@example.org", A));
        }
    }

    long messages(String upn, String guid) {
        return importer.store.messageCount(upn, guid.toUpperCase(java.util.Locale.ROOT));
    }

    @Test
    void a_repeated_import_duplicates_nothing_with_or_without_the_journal() throws Exception {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUsers(List.of("anna@example.org", "bert@example.org"));
        Path dump = richDump(tmp);
        MigrateRun run = migrate().args("--input=" + dump, "--default-domain=example.org");
        assertEquals(3, run.go(tmp).code());
        long blobs = importer.store.blobCount();
        assertEquals(7, messages("anna@example.org", A));

        MigrateRun.Result again = run.go(tmp);
        assertEquals(0, again.code(), again.toString());
        assertEquals("already_complete", again.store(A).get("status").asText());
        assertEquals("already_complete", again.store(B).get("status").asText());
        assertTrue(java.nio.file.Files.exists(tmp.resolve("rich.kgd.journal")), "journal next to the input");

        java.nio.file.Files.delete(tmp.resolve("rich.kgd.journal"));
        MigrateRun.Result fresh = run.go(tmp);
        assertEquals(3, fresh.code(), fresh.toString());
        assertEquals(0, fresh.store(A).get("imported").asInt(), fresh.toString());
        assertEquals(7, fresh.store(A).get("alreadyPresent").asInt(), fresh.toString());
        assertEquals(0, fresh.store(A).get("blobs").get("uploaded").asInt(), "the server has every blob: " + fresh);
        assertEquals(7, messages("anna@example.org", A));
        assertEquals(1, messages("bert@example.org", B));
        assertEquals(blobs, importer.store.blobCount());
    }

    @Test
    void unmapped_stores_are_all_listed_before_anything_is_uploaded() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUsers(List.of("anna@example.org"));
        Path dump = tmp.resolve("two-unmapped.kgd");
        TestDump d = TestDump.to(dump);
        d.index(A, "private", "anna@example.org", null).index(B, "private", "bert", null)
                .index(TestDump.guid(3), "public", null, null).header();
        d.store(A, "private", "anna@example.org", null).skeleton("a000", "a001").folder("a002", "a001", "inbox", "Inbox")
                .message("c0000001", "IPM.Note", "x").endMessage().endFolder().endStore();
        d.store(B, "private", "bert", null).skeleton("b000", "b001").endStore();
        d.store(TestDump.guid(3), "public", null, null).skeleton("e000", "e001").endStore();
        d.finish();
        MigrateRun.Result r = migrate().args("--input=" + dump).go(tmp);
        assertEquals(1, r.code(), r.toString());
        String err = r.stderr();
        assertTrue(err.contains("2 store(s) have no target user, nothing was uploaded"), err);
        assertTrue(err.contains(B) && err.contains("bert") && err.contains(TestDump.guid(3)), err);
        assertEquals(0, messages("anna@example.org", A), "nothing uploaded");

        MigrateRun.Result skip = migrate().config(tmp, "mapping:\n  unmapped: skip\n").args("--input=" + dump).go(tmp);
        assertEquals(3, skip.code(), skip.toString());
        assertEquals("skipped_unmapped", skip.store(B).get("status").asText());
        assertEquals("imported", skip.store(A).get("status").asText());
        assertEquals(1, messages("anna@example.org", A));
    }

    @Test
    void a_missing_or_active_target_user_refuses_that_store_only_and_sends_nothing_of_it() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUser("anna@example.org", true);   // active
        String c = TestDump.guid(3);
        Path dump = tmp.resolve("refused.kgd");
        TestDump d = TestDump.to(dump);
        d.header();
        d.store(A, "private", "anna@example.org", null).skeleton("a000", "a001").folder("a002", "a001", "inbox", "Inbox")
                .message("c0000001", "IPM.Note", "x").attachment("x.bin", TestDump.bytes(500, 9)).endMessage().endFolder()
                .endStore();
        d.store(B, "private", "bert@example.org", null).skeleton("b000", "b001").folder("b002", "b001", "inbox", "Inbox")
                .message("d0000001", "IPM.Note", "y").endMessage().endFolder().endStore();
        d.store(c, "private", "carl@example.org", null).skeleton("f000", "f001").folder("f002", "f001", "inbox", "Inbox")
                .message("e0000001", "IPM.Note", "z").endMessage().endFolder().endStore();
        d.finish();
        importer.addUser("carl@example.org", false);
        MigrateRun.Result r = migrate().args("--input=" + dump).go(tmp);
        assertEquals(1, r.code(), r.toString());
        assertEquals("refused", r.store(A).get("status").asText());
        assertTrue(r.store(A).get("reason").asText().contains("is active"), r.toString());
        assertEquals("refused", r.store(B).get("status").asText());
        assertTrue(r.store(B).get("reason").asText().contains("does not exist"), r.toString());
        assertEquals("imported", r.store(c).get("status").asText());
        assertEquals(0, messages("anna@example.org", A));
        assertEquals(0, importer.store.blobCount(), "no attachment data of the refused store");
        assertEquals(1, messages("carl@example.org", c));
        assertTrue(importer.store.stats("anna@example.org").get(0).folders().stream()
                .allMatch(f -> java.util.Set.of("inbox", "sent", "drafts", "deleted", "outbox", "junk", "calendar", "contacts",
                        "tasks", "notes", "journal").contains(f.role())), "no folder created for the refused store");
    }

    @Test
    void a_dry_run_reports_everything_and_uploads_nothing() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUsers(List.of("anna@example.org"));
        Path dump = richDump(tmp);
        MigrateRun.Result r = migrate().args("--input=" + dump, "--dry-run").go(tmp);
        assertEquals(1, r.code(), "bert has no target user and no default domain: " + r);
        assertEquals("would_import", r.store(A).get("status").asText(), r.toString());
        assertEquals(7, r.store(A).get("messages").asInt(), r.toString());
        assertEquals(1, r.store(A).get("skipped").get("message class not whitelisted (client): Custom.Kopano.Thing").asInt());
        assertEquals("unmapped", r.store(B).get("status").asText());
        assertTrue(r.stderr().contains("nothing was uploaded"), r.stderr());
        assertEquals(0, messages("anna@example.org", A));
        assertEquals(0, importer.store.blobCount());
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("rich.kgd.journal")), "a dry run writes no journal");

        MigrateRun.Result refused = migrate().args("--input=" + dump, "--dry-run", "--map=bert=nobody@example.org").go(tmp);
        assertEquals("refused", refused.store(B).get("status").asText(), refused.toString());
    }

    @Test
    void the_client_whitelist_and_the_servers_whitelist_both_skip_and_count() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, "message_classes:\n  - IPM.Note\n");
        importer.addUsers(List.of("anna@example.org"));
        Path dump = tmp.resolve("classes.kgd");
        TestDump d = TestDump.to(dump);
        d.header();
        d.store(A, "private", "anna@example.org", null).skeleton("a000", "a001").folder("a002", "a001", "inbox", "Inbox")
                .message("c0000001", "IPM.Note", "mail").endMessage()
                .message("c0000002", "IPM.Appointment", "meeting").endMessage()
                .message("c0000003", "IPM.StickyNote", "note").endMessage()
                .message("c0000004", null, "no class").endMessage()
                .endFolder().endStore();
        d.finish();
        // client list: IPM.Note and IPM.Appointment; the server stores only IPM.Note
        MigrateRun.Result r = migrate().config(tmp, "classes:\n  whitelist: [IPM.Note, IPM.Appointment]\n")
                .args("--input=" + dump).go(tmp);
        assertEquals(3, r.code(), r.toString());
        JsonNode sk = r.store(A).get("skipped");
        assertEquals(1, sk.get("message class not whitelisted (client): IPM.StickyNote").asInt(), sk.toString());
        assertEquals(1, sk.get("message class not whitelisted (client): (none)").asInt(), sk.toString());
        assertEquals(1, sk.get("importer: message class not supported yet: IPM.Appointment").asInt(), sk.toString());
        assertEquals(1, messages("anna@example.org", A));

        // default: the server's advertised list; the client skips what the server would
        MigrateRun.Result dflt = migrate().args("--input=" + dump, "--journal=" + tmp.resolve("j2")).go(tmp);
        assertEquals(1, dflt.store(A).get("skipped").get("message class not whitelisted (client): IPM.Appointment").asInt(),
                dflt.toString());
    }

    @Test
    void a_new_dump_of_the_same_source_skips_the_stores_an_earlier_run_completed() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
        importer.addUsers(List.of("anna@example.org"));
        java.util.function.LongFunction<Path> dump = started -> {
            Path f = tmp.resolve("d" + started + ".kgd");
            TestDump d = TestDump.to(f).started(started);
            d.header();
            d.store(A, "private", "anna@example.org", null).skeleton("a000", "a001").folder("a002", "a001", "inbox", "Inbox")
                    .message("c0000001", "IPM.Note", "x").endMessage().endFolder().endStore();
            d.store(B, "private", "bert@example.org", null).skeleton("b000", "b001").folder("b002", "b001", "inbox", "Inbox")
                    .message("d0000001", "IPM.Note", "y").endMessage().endFolder().endStore();
            d.finish();
            return f;
        };
        Path journal = tmp.resolve("pipe.journal");
        MigrateRun.Result first = migrate().args("--input=" + dump.apply(1000L), "--journal=" + journal).go(tmp);
        assertEquals(1, first.code(), "bert@example.org does not exist yet: " + first);
        importer.addUser("bert@example.org", false);
        MigrateRun.Result second = migrate().args("--input=" + dump.apply(2000L), "--journal=" + journal).go(tmp);
        assertEquals(0, second.code(), second.toString());
        assertEquals("already_complete", second.store(A).get("status").asText(), second.toString());
        assertEquals("imported", second.store(B).get("status").asText());
        assertEquals(1, messages("bert@example.org", B));
        assertEquals(1, messages("anna@example.org", A));
    }
}
