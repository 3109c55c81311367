package org.kgmigration.stream;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.kgmigration.stream.DumpRecord.Attachment;
import org.kgmigration.stream.DumpRecord.AttachmentEnd;
import org.kgmigration.stream.DumpRecord.Data;
import org.kgmigration.stream.DumpRecord.Folder;
import org.kgmigration.stream.DumpRecord.FolderEnd;
import org.kgmigration.stream.DumpRecord.Header;
import org.kgmigration.stream.DumpRecord.Message;
import org.kgmigration.stream.DumpRecord.MessageEnd;
import org.kgmigration.stream.DumpRecord.Store;
import org.kgmigration.stream.DumpRecord.StoreEnd;
import org.kgmigration.stream.DumpRecord.Totals;
import org.kgmigration.stream.DumpRecord.Trailer;

/**
 * Checks the record grammar and the bookkeeping of a dump while passing its records on
 * (docs/dump-format.md, "Record order" and "Counting"): Header first; Store … StoreEnd; flat
 * Folder … FolderEnd inside a store with parents before children; Message … MessageEnd;
 * Attachment, Data, embedded Message, AttachmentEnd; the size and SHA-256 of each attachment's
 * data; the counts in every FolderEnd, StoreEnd and the Trailer; the Trailer's record count; and
 * that the stream ends after the Trailer and not before.
 *
 * <p>Memory grows with the number of folders of one store (their ids) and the nesting depth,
 * never with the number of messages or the size of attachments. Message ids are not checked for
 * uniqueness (that would need memory per message).
 *
 * <p>Problems are {@link DumpFormatException}s naming the record's byte offset when the source is
 * a {@link DumpReader}, else its position (record number, counted from 0).
 */
public final class DumpValidator implements RecordSource {
    private static final Pattern GUID = Pattern.compile("[0-9a-f]{32}");
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final RecordSource source;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Set<String> storeGuids = new HashSet<>();
    private final Map<String, Totals> storeTotals = new LinkedHashMap<>();
    private long records;
    private Header header;
    private Trailer trailer;
    private boolean done;
    private StoreCtx store;
    private FolderCtx folder;

    public DumpValidator(RecordSource source) {
        this.source = Objects.requireNonNull(source);
    }

    private static final class StoreCtx {
        final String guid;
        final Set<String> folderIds = new HashSet<>();
        long folders;
        long messages;
        long associated;
        long attachments;
        long bytes;
        long missing;

        StoreCtx(String guid) {
            this.guid = guid;
        }
    }

    private static final class FolderCtx {
        final String id;
        long messages;
        long associated;
        long attachments;
        long bytes;

        FolderCtx(String id) {
            this.id = id;
        }
    }

    private record MessageCtx(boolean embedded) {
    }

    private static final class AttachmentCtx {
        final MessageDigest sha = Sha256.digest();
        long size;
        boolean embeddedMessage;
    }

    /**
     * The next record after checking it, or null at the end (after the Trailer was checked).
     *
     * @throws DumpFormatException the first violation found
     */
    @Override
    public DumpRecord next() throws IOException {
        if (done) {
            return null;
        }
        DumpRecord r = source.next();
        if (r == null) {
            if (trailer == null) {
                throw error("truncated", "the stream ends without a trailer");
            }
            done = true;
            return null;
        }
        if (trailer != null) {
            throw error("record out of order", "a " + DumpFormat.typeName(r) + " after the Trailer");
        }
        check(r);
        records++;
        return r;
    }

    /** The Header, once read. */
    public Header header() {
        return header;
    }

    /** The Trailer, once read. */
    public Trailer trailer() {
        return trailer;
    }

    /** Records checked so far. */
    public long records() {
        return records;
    }

    /** True when the whole stream was read and found valid. */
    public boolean complete() {
        return done;
    }

    private void check(DumpRecord r) {
        if (records == 0 && !(r instanceof Header)) {
            throw error("record out of order", "the first record is a " + DumpFormat.typeName(r) + ", not the Header");
        }
        if (r instanceof Header h) {
            if (records != 0) {
                throw order("a second Header");
            }
            if (h.formatVersion() != DumpFormat.VERSION) {
                throw error("unsupported dump", "format version " + h.formatVersion());
            }
            header = h;
        } else if (r instanceof Store s) {
            expectTop(null, r);
            if (s.guid() == null || !GUID.matcher(s.guid()).matches()) {
                throw error("invalid record", "store GUID '" + s.guid() + "' is not 32 lowercase hex digits");
            }
            if (!storeGuids.add(s.guid())) {
                throw error("invalid record", "store " + s.guid() + " appears twice");
            }
            store = new StoreCtx(s.guid());
            stack.push(store);
        } else if (r instanceof Folder f) {
            expectTop(StoreCtx.class, r);
            if (f.id() == null || f.id().isEmpty()) {
                throw error("invalid record", "a Folder without id");
            }
            if (f.parentId() != null && !store.folderIds.contains(f.parentId())) {
                throw order("folder " + f.id() + " comes before its parent " + f.parentId());
            }
            if (!store.folderIds.add(f.id())) {
                throw error("invalid record", "folder " + f.id() + " appears twice in store " + store.guid);
            }
            store.folders++;
            folder = new FolderCtx(f.id());
            stack.push(folder);
        } else if (r instanceof Message m) {
            message(m);
        } else if (r instanceof MessageEnd) {
            expectTop(MessageCtx.class, r);
            stack.pop();
        } else if (r instanceof Attachment) {
            expectTop(MessageCtx.class, r);
            folder.attachments++;
            store.attachments++;
            stack.push(new AttachmentCtx());
        } else if (r instanceof Data d) {
            AttachmentCtx a = expectTop(AttachmentCtx.class, r);
            if (a.embeddedMessage) {
                throw order("Data after the embedded message of an attachment");
            }
            if (d.bytes().length > DumpFormat.MAX_CHUNK) {
                throw error("invalid record", "a Data chunk of " + d.bytes().length + " bytes");
            }
            a.sha.update(d.bytes());
            a.size += d.bytes().length;
        } else if (r instanceof AttachmentEnd e) {
            attachmentEnd(expectTop(AttachmentCtx.class, r), e);
            stack.pop();
        } else if (r instanceof FolderEnd e) {
            FolderCtx f = expectTop(FolderCtx.class, r);
            if (!f.id.equals(e.id())) {
                throw order("FolderEnd of " + e.id() + " closes folder " + f.id);
            }
            count("FolderEnd of folder " + f.id, "messages", e.messages(), f.messages);
            count("FolderEnd of folder " + f.id, "associated", e.associated(), f.associated);
            count("FolderEnd of folder " + f.id, "attachments", e.attachments(), f.attachments);
            count("FolderEnd of folder " + f.id, "bytes", e.bytes(), f.bytes);
            stack.pop();
            folder = null;
        } else if (r instanceof StoreEnd e) {
            storeEnd(expectTop(StoreCtx.class, r), e);
            stack.pop();
            store = null;
        } else if (r instanceof Trailer t) {
            trailer(t);
        }
    }

    private void message(Message m) {
        Object top = stack.peek();
        if (top instanceof FolderCtx f) {
            if (m.embedded()) {
                throw order("an embedded Message directly in a folder");
            }
            if (m.id() == null || m.id().isEmpty()) {
                throw error("invalid record", "a Message without id in folder " + f.id);
            }
            if (m.associated()) {
                f.associated++;
                store.associated++;
            } else {
                f.messages++;
                store.messages++;
            }
        } else if (top instanceof AttachmentCtx a) {
            if (!m.embedded()) {
                throw order("a Message inside an attachment that is not marked embedded");
            }
            if (a.embeddedMessage) {
                throw order("a second embedded Message in one attachment");
            }
            a.embeddedMessage = true;
        } else {
            throw order("a Message " + where(top));
        }
        stack.push(new MessageCtx(m.embedded()));
    }

    private void attachmentEnd(AttachmentCtx a, AttachmentEnd e) {
        if (e.missing()) {
            store.missing++;
            return;
        }
        if (e.size() != a.size) {
            throw error("attachment data mismatch", "AttachmentEnd says " + e.size() + " bytes, the Data records hold " + a.size);
        }
        String sha = HexFormat.of().formatHex(a.sha.digest());
        boolean ok = a.size == 0 ? e.sha256() == null || EMPTY_SHA256.equals(e.sha256()) : sha.equals(e.sha256());
        if (!ok) {
            throw error("attachment data mismatch", "AttachmentEnd says SHA-256 " + e.sha256() + ", the Data records hash to " + sha);
        }
        folder.bytes += a.size;
        store.bytes += a.size;
    }

    private void storeEnd(StoreCtx s, StoreEnd e) {
        if (!s.guid.equals(e.guid())) {
            throw order("StoreEnd of " + e.guid() + " closes store " + s.guid);
        }
        Totals t = e.totals();
        if (t == null) {
            throw error("invalid record", "StoreEnd of store " + s.guid + " without totals");
        }
        String what = "StoreEnd of store " + s.guid;
        count(what, "folders", t.folders(), s.folders);
        count(what, "messages", t.messages(), s.messages);
        count(what, "associated", t.associated(), s.associated);
        count(what, "attachments", t.attachments(), s.attachments);
        count(what, "attachmentBytes", t.attachmentBytes(), s.bytes);
        count(what, "missingAttachments", t.missingAttachments(), s.missing);
        storeTotals.put(s.guid, t);
    }

    private void trailer(Trailer t) {
        if (!stack.isEmpty()) {
            throw order("the Trailer " + where(stack.peek()));
        }
        count("Trailer", "records", t.records(), records);
        Map<String, Totals> stores = t.stores() == null ? Map.of() : t.stores();
        if (!stores.keySet().equals(storeTotals.keySet())) {
            throw error("wrong totals", "the Trailer lists stores " + stores.keySet() + ", the stream holds "
                    + storeTotals.keySet());
        }
        long[] sum = new long[6];
        Map<String, Long> skipped = new LinkedHashMap<>();
        for (Map.Entry<String, Totals> e : storeTotals.entrySet()) {
            Totals seen = e.getValue();
            if (!sameTotals(seen, stores.get(e.getKey()))) {
                throw error("wrong totals", "the Trailer's totals for store " + e.getKey() + " differ from its StoreEnd");
            }
            sum[0] += seen.folders();
            sum[1] += seen.messages();
            sum[2] += seen.associated();
            sum[3] += seen.attachments();
            sum[4] += seen.attachmentBytes();
            sum[5] += seen.missingAttachments();
            if (seen.skipped() != null) {
                seen.skipped().forEach((k, v) -> skipped.merge(k, v, Long::sum));
            }
        }
        Totals total = t.total();
        if (total == null) {
            throw error("invalid record", "Trailer without total");
        }
        count("Trailer total", "folders", total.folders(), sum[0]);
        count("Trailer total", "messages", total.messages(), sum[1]);
        count("Trailer total", "associated", total.associated(), sum[2]);
        count("Trailer total", "attachments", total.attachments(), sum[3]);
        count("Trailer total", "attachmentBytes", total.attachmentBytes(), sum[4]);
        count("Trailer total", "missingAttachments", total.missingAttachments(), sum[5]);
        Map<String, Long> totalSkipped = total.skipped() == null ? Map.of() : total.skipped();
        for (Map.Entry<String, Long> e : skipped.entrySet()) {
            long have = totalSkipped.getOrDefault(e.getKey(), 0L);
            if (have < e.getValue()) {
                throw error("wrong totals", "the Trailer total skips " + have + " '" + e.getKey()
                        + "', the stores together " + e.getValue());
            }
        }
        trailer = t;
    }

    private static boolean sameTotals(Totals a, Totals b) {
        return b != null && a.folders() == b.folders() && a.messages() == b.messages()
                && a.associated() == b.associated() && a.attachments() == b.attachments()
                && a.attachmentBytes() == b.attachmentBytes() && a.missingAttachments() == b.missingAttachments()
                && Objects.equals(a.skipped() == null ? Map.of() : a.skipped(), b.skipped() == null ? Map.of() : b.skipped());
    }

    private void count(String what, String field, long says, long seen) {
        if (says != seen) {
            throw error("wrong totals", what + " says " + field + " " + says + ", the stream holds " + seen);
        }
    }

    private <T> T expectTop(Class<T> type, DumpRecord r) {
        Object top = stack.peek();
        if (type == null ? top != null : !type.isInstance(top)) {
            throw order("a " + DumpFormat.typeName(r) + " " + where(top));
        }
        return type == null ? null : type.cast(top);
    }

    private static String where(Object top) {
        if (top == null) {
            return "outside any store";
        } else if (top instanceof StoreCtx s) {
            return "in store " + s.guid + " outside any folder";
        } else if (top instanceof FolderCtx f) {
            return "in folder " + f.id + " outside any message";
        } else if (top instanceof MessageCtx m) {
            return "in a" + (m.embedded() ? "n embedded" : "") + " message outside any attachment";
        }
        return "in an attachment";
    }

    private DumpFormatException order(String what) {
        return error("record out of order", what);
    }

    private DumpFormatException error(String kind, String what) {
        if (source instanceof DumpReader reader) {
            long at = kind.equals("truncated") ? reader.offset() : reader.recordOffset();
            return new DumpFormatException(kind + " at byte " + at + ": " + what, at);
        }
        return new DumpFormatException(kind + " at record " + records + ": " + what, -1);
    }
}
