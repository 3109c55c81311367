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

    @Test
    void a_dump_file_arrives_complete_property_by_property() {
        importer = ImporterFixture.start(tmp.resolve("imp"), pki, null);
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

    static boolean hasProp(List<Prop> l, int tag) {
        return l.stream().anyMatch(p -> p.tag() == tag);
    }
}
