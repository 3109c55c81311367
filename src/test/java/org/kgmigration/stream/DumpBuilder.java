package org.kgmigration.stream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kgmigration.stream.DumpRecord.Attachment;
import org.kgmigration.stream.DumpRecord.AttachmentEnd;
import org.kgmigration.stream.DumpRecord.Folder;
import org.kgmigration.stream.DumpRecord.FolderEnd;
import org.kgmigration.stream.DumpRecord.Header;
import org.kgmigration.stream.DumpRecord.Message;
import org.kgmigration.stream.DumpRecord.MessageEnd;
import org.kgmigration.stream.DumpRecord.Owner;
import org.kgmigration.stream.DumpRecord.Store;
import org.kgmigration.stream.DumpRecord.StoreEnd;
import org.kgmigration.stream.DumpRecord.Totals;
import org.kgmigration.stream.DumpRecord.Trailer;

/**
 * Writes well-formed test dumps the way kgdump does: it keeps the counts that go into FolderEnd,
 * StoreEnd and Trailer while the test describes stores, folders, messages and attachments.
 */
public final class DumpBuilder {
    public static final int PR_DISPLAY_NAME = 0x3001001F;
    public static final int PR_SUBJECT = 0x0037001F;
    public static final int PR_ATTACH_FILENAME = 0x3704001F;

    private final DumpWriter w;
    private final Map<String, Totals> stores = new LinkedHashMap<>();
    private String storeGuid;
    private String folderId;
    private long sFolders;
    private long sMessages;
    private long sAssociated;
    private long sAttachments;
    private long sBytes;
    private long sMissing;
    private long fMessages;
    private long fAssociated;
    private long fAttachments;
    private long fBytes;

    public DumpBuilder(DumpWriter writer) {
        this.w = writer;
    }

    public DumpWriter writer() {
        return w;
    }

    public static Header header() {
        return new Header(DumpFormat.VERSION, "kgdump", "0.1.0-test", "0123456789abcdef0123456789abcdef", 63,
                "files_v2", Map.of("stores", "all"), 1_700_000_000_000L, Map.of("compress", false));
    }

    public DumpBuilder start() {
        return put(header());
    }

    public DumpBuilder put(DumpRecord r) {
        try {
            w.write(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public DumpBuilder store(String guid, String type, String login) {
        storeGuid = guid;
        sFolders = sMessages = sAssociated = sAttachments = sBytes = sMissing = 0;
        Owner owner = login == null ? null : new Owner(3, login, login + "@example.org", "User " + login, "0a0b",
                0x10001, true, login, 0);
        return put(new Store(guid, type, owner, List.of(Prop.of(0x3001001F, "Mailbox - " + login)), List.of(),
                List.of(), Map.of("inbox", "in-" + guid.substring(0, 4))));
    }

    public DumpBuilder folder(String id, String parentId, String role, String name) {
        folderId = id;
        sFolders++;
        fMessages = fAssociated = fAttachments = fBytes = 0;
        List<Prop> props = new ArrayList<>();
        if (name != null) {
            props.add(Prop.of(PR_DISPLAY_NAME, name));
        }
        props.add(Prop.of(0x65E00102, id.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        return put(new Folder(id, parentId, role, false, props, List.of()));
    }

    public DumpBuilder message(String id, boolean associated, String subject) {
        if (associated) {
            fAssociated++;
            sAssociated++;
        } else {
            fMessages++;
            sMessages++;
        }
        return put(new Message(id, associated, false, false, List.of(Prop.of(PR_SUBJECT, subject)),
                List.of(List.of(Prop.of(0x3003001F, "rcpt@example.org")))));
    }

    /** A complete attachment whose data is {@code data}. */
    public DumpBuilder attachment(String name, byte[] data) {
        countAttachment();
        put(new Attachment(List.of(Prop.of(PR_ATTACH_FILENAME, name))));
        try {
            AttachmentEnd end = w.writeData(new ByteArrayInputStream(data));
            fBytes += end.size();
            sBytes += end.size();
            return put(end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An attachment whose data source fails after {@code good} bytes (partial Data, then missing). */
    public DumpBuilder failingAttachment(String name, byte[] good) {
        countAttachment();
        sMissing++;
        put(new Attachment(List.of(Prop.of(PR_ATTACH_FILENAME, name))));
        InputStream failing = new java.io.SequenceInputStream(new ByteArrayInputStream(good), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk gone");
            }
        });
        try {
            w.writeData(failing);
            throw new AssertionError("writeData should have failed");
        } catch (DumpWriter.DataReadException e) {
            return put(new AttachmentEnd(0, null, true, e.getMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An attachment whose file was not found: no Data at all. */
    public DumpBuilder missingAttachment(String name, String problem) {
        countAttachment();
        sMissing++;
        put(new Attachment(List.of(Prop.of(PR_ATTACH_FILENAME, name))));
        return put(new AttachmentEnd(0, null, true, problem));
    }

    /** Opens an attachment holding an embedded message; close with {@link #endEmbedded()}. */
    public DumpBuilder embedded(String subject) {
        countAttachment();
        put(new Attachment(List.of(Prop.of(0x37050003, 5))));
        return put(new Message(null, false, false, true, List.of(Prop.of(PR_SUBJECT, subject)), List.of()));
    }

    public DumpBuilder endEmbedded() {
        endMessage();
        return put(new AttachmentEnd(0, null, false, null));
    }

    public DumpBuilder endMessage() {
        return put(new MessageEnd());
    }

    private void countAttachment() {
        fAttachments++;
        sAttachments++;
    }

    public DumpBuilder endFolder() {
        return put(new FolderEnd(folderId, fMessages, fAssociated, fAttachments, fBytes));
    }

    public DumpBuilder endStore(Map<String, Long> skipped) {
        Totals t = new Totals(sFolders, sMessages, sAssociated, sAttachments, sBytes, sMissing, skipped);
        stores.put(storeGuid, t);
        return put(new StoreEnd(storeGuid, t));
    }

    /** Writes the Trailer (with the writer's record count) and closes the writer. */
    public void finish() {
        long[] s = new long[6];
        Map<String, Long> skipped = new LinkedHashMap<>();
        for (Totals t : stores.values()) {
            s[0] += t.folders();
            s[1] += t.messages();
            s[2] += t.associated();
            s[3] += t.attachments();
            s[4] += t.attachmentBytes();
            s[5] += t.missingAttachments();
            if (t.skipped() != null) {
                t.skipped().forEach((k, v) -> skipped.merge(k, v, Long::sum));
            }
        }
        put(new Trailer(stores, new Totals(s[0], s[1], s[2], s[3], s[4], s[5], skipped), w.recordsWritten(),
                1_700_000_100_000L));
        try {
            w.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deterministic pseudo-random bytes. */
    public static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    public static final String STORE_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01";
    public static final String STORE_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb02";

    /**
     * A small dump with two stores: store A (private, owner "anna") has a root, IPM subtree, Inbox
     * (3 messages with 2+1+0 attachments, one of them an embedded message with its own attachment,
     * and one associated message), Sent (1 message, one attachment whose data failed after 5000
     * bytes) and a user folder "Projects" below the Inbox (empty); store B (public) has a root
     * and one folder with one message whose attachment file is missing, and 2 skipped items.
     * Attachment data: 3000 + 2 * MAX_CHUNK + 10 (three chunks) + 77 (inside the embedded message).
     */
    public static void sample(DumpWriter writer) {
        new DumpBuilder(writer).start()
                .store(STORE_A, "private", "anna")
                .folder("a0", null, "root", "")
                .endFolder()
                .folder("a1", "a0", "ipm_subtree", "IPM_SUBTREE")
                .endFolder()
                .folder("a2", "a1", "inbox", "Inbox")
                .message("m1", false, "hello").attachment("a.txt", bytes(3000, 1))
                .attachment("big.bin", bytes(2 * DumpFormat.MAX_CHUNK + 10, 2)).endMessage()
                .message("m2", false, "fwd").embedded("inner").attachment("inner.txt", bytes(77, 3)).endEmbedded()
                .endMessage()
                .message("m3", false, "empty").endMessage()
                .message("fai1", true, "view settings").endMessage()
                .endFolder()
                .folder("a3", "a1", "sent", "Sent Items")
                .message("m4", false, "sent one").failingAttachment("gone.pdf", bytes(5000, 4)).endMessage()
                .endFolder()
                .folder("a4", "a2", null, "Projects")
                .endFolder()
                .endStore(Map.of())
                .store(STORE_B, "public", null)
                .folder("b0", null, "root", "")
                .endFolder()
                .folder("b1", "b0", null, "Announcements")
                .message("m5", false, "news").missingAttachment("x.doc", "not found: /var/lib/kopano/attachments/1/2/3")
                .endMessage()
                .endFolder()
                .endStore(Map.of("soft-deleted message", 2L))
                .finish();
    }

    /**
     * A tiny dump (about 1.5 KB) for exhaustive corruption tests: one store, a root and an Inbox
     * with two messages, one with a 300-byte attachment, one with an embedded message holding a
     * 40-byte attachment, and one associated message.
     */
    public static void small(DumpWriter writer) {
        new DumpBuilder(writer).start()
                .store(STORE_A, "private", "anna")
                .folder("r", null, "root", "")
                .endFolder()
                .folder("i", "r", "inbox", "Inbox")
                .message("m1", false, "one").attachment("a.txt", bytes(300, 5)).endMessage()
                .message("m2", false, "two").embedded("inner").attachment("b.txt", bytes(40, 6)).endEmbedded()
                .endMessage()
                .message("f1", true, "fai").endMessage()
                .endFolder()
                .endStore(Map.of("search folder", 1L))
                .finish();
    }
}
