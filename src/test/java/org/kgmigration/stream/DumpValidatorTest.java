package org.kgmigration.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kgmigration.stream.DumpRecord.AttachmentEnd;
import org.kgmigration.stream.DumpRecord.Data;
import org.kgmigration.stream.DumpRecord.Folder;
import org.kgmigration.stream.DumpRecord.FolderEnd;
import org.kgmigration.stream.DumpRecord.Message;
import org.kgmigration.stream.DumpRecord.MessageEnd;
import org.kgmigration.stream.DumpRecord.Store;
import org.kgmigration.stream.DumpRecord.StoreEnd;
import org.kgmigration.stream.DumpRecord.Totals;
import org.kgmigration.stream.DumpRecord.Trailer;

/** The grammar and bookkeeping checks, one violation at a time, on the records of the small dump. */
class DumpValidatorTest {

    static List<DumpRecord> smallRecords() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpBuilder.small(new DumpWriter(out, false));
        List<DumpRecord> l = new ArrayList<>();
        DumpReader r = new DumpReader(new ByteArrayInputStream(out.toByteArray()));
        DumpRecord x;
        while ((x = r.next()) != null) {
            l.add(x);
        }
        return l;
    }

    static RecordSource source(List<DumpRecord> records) {
        Iterator<DumpRecord> it = records.iterator();
        return () -> it.hasNext() ? it.next() : null;
    }

    static void drain(RecordSource s) throws IOException {
        while (s.next() != null) {
            assertTrue(true);
        }
    }

    /** Validates {@code records} and returns the message of the failure, which must come. */
    static String violation(List<DumpRecord> records) {
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> drain(new DumpValidator(source(records))));
        return e.getMessage();
    }

    /** Asserts that validating {@code records} fails with a message matching {@code regex}. */
    static void expect(List<DumpRecord> records, String regex) {
        String m = violation(records);
        assertTrue(Pattern.compile(regex).matcher(m).find(), m);
    }

    static int indexOf(List<DumpRecord> l, Class<?> type, int nth) {
        int seen = 0;
        for (int i = 0; i < l.size(); i++) {
            if (type.isInstance(l.get(i)) && seen++ == nth) {
                return i;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " #" + nth);
    }

    static List<DumpRecord> with(List<DumpRecord> l, Class<?> type, int nth, UnaryOperator<DumpRecord> change) {
        List<DumpRecord> c = new ArrayList<>(l);
        int i = indexOf(c, type, nth);
        DumpRecord r = change.apply(c.get(i));
        if (r == null) {
            c.remove(i);
        } else {
            c.set(i, r);
        }
        return c;
    }

    @Test
    void the_small_dump_is_valid() throws IOException {
        List<DumpRecord> l = smallRecords();
        DumpValidator v = new DumpValidator(source(l));
        drain(v);
        assertTrue(v.complete());
        assertEquals(l.size(), v.records());
        assertEquals(l.get(0), v.header());
        assertEquals(l.get(l.size() - 1), v.trailer());
        assertNull(v.next());
    }

    @Test
    void order_violations_are_named() throws IOException {
        List<DumpRecord> l = smallRecords();
        assertEquals("record out of order at record 0: the first record is a Store, not the Header",
                violation(l.subList(1, l.size())));
        List<DumpRecord> twoHeaders = new ArrayList<>(l);
        twoHeaders.add(1, l.get(0));
        assertEquals("record out of order at record 1: a second Header", violation(twoHeaders));
        int extra = indexOf(l, MessageEnd.class, 0) + 1;
        assertEquals("record out of order at record " + extra + ": a MessageEnd in folder i outside any message",
                violation(insertAt(l, extra, new MessageEnd())));
        expect(with(l, MessageEnd.class, 0, r -> null), "^" + "record out of order at record \\d+: a Message in a message outside any attachment" + "$");
        expect(with(l, FolderEnd.class, 0, r -> null), "^" + Pattern.quote("record out of order at record 3: a Folder in folder r outside any message"));
        expect(with(l, StoreEnd.class, 0, r -> null), "^" + Pattern.quote("record out of order at record " + (l.size() - 2) + ": the Trailer in store "));
        List<DumpRecord> dataOutside = insertAt(l, indexOf(l, Message.class, 0) + 1, new Data(new byte[] {1}));
        expect(dataOutside, Pattern.quote("a Data in a message outside any attachment"));
        List<DumpRecord> afterEmbedded = insertAt(l, indexOf(l, AttachmentEnd.class, 2), new Data(new byte[] {1}));
        expect(afterEmbedded, Pattern.quote("Data after the embedded message of an attachment"));
        expect(with(l, Message.class, 0, r -> copy((Message) r, true)), Pattern.quote("an embedded Message directly in a folder"));
        expect(with(l, Message.class, 2, r -> copy((Message) r, false)), Pattern.quote("a Message inside an attachment that is not marked embedded"));
        List<DumpRecord> afterTrailer = new ArrayList<>(l);
        afterTrailer.add(new MessageEnd());
        expect(afterTrailer, Pattern.quote("a MessageEnd after the Trailer"));
    }

    private static List<DumpRecord> insertAt(List<DumpRecord> l, int i, DumpRecord r) {
        List<DumpRecord> c = new ArrayList<>(l);
        c.add(i, r);
        return c;
    }

    private static Message copy(Message m, boolean embedded) {
        return new Message(m.id(), m.associated(), m.deleted(), embedded, m.props(), m.recipients());
    }

    @Test
    void folder_identity_and_parents_are_checked() throws IOException {
        List<DumpRecord> l = smallRecords();
        assertEquals("record out of order at record 4: folder i comes before its parent nowhere",
                violation(with(l, Folder.class, 1, r -> {
                    Folder f = (Folder) r;
                    return new Folder(f.id(), "nowhere", f.role(), f.deleted(), f.props(), f.acl());
                })));
        List<DumpRecord> dup = with(l, Folder.class, 1, r -> {
            Folder f = (Folder) r;
            return new Folder("r", f.parentId(), f.role(), f.deleted(), f.props(), f.acl());
        });
        expect(dup, Pattern.quote("folder r appears twice in store"));
        assertEquals("invalid record at record 1: store GUID 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA01' is not 32 lowercase hex digits",
                violation(with(l, Store.class, 0, r -> {
                    Store s = (Store) r;
                    return new Store(s.guid().toUpperCase(), s.type(), s.owner(), s.props(), s.acl(),
                            s.receiveFolders(), s.specialFolders());
                })));
    }

    @Test
    void attachment_size_and_hash_are_checked() throws IOException {
        List<DumpRecord> l = smallRecords();
        expect(with(l, AttachmentEnd.class, 0, r -> {
            AttachmentEnd e = (AttachmentEnd) r;
            return new AttachmentEnd(e.size() + 1, e.sha256(), false, null);
        }), "^" + "attachment data mismatch at record \\d+: AttachmentEnd says 301 bytes, the Data records hold 300" + "$");
        expect(with(l, AttachmentEnd.class, 0, r -> {
            AttachmentEnd e = (AttachmentEnd) r;
            return new AttachmentEnd(e.size(), "00" + e.sha256().substring(2), false, null);
        }), Pattern.quote("AttachmentEnd says SHA-256 00"));
        expect(with(l, Data.class, 0, r -> new Data(new byte[300])), Pattern.quote("the Data records hash to"));
        // a missing attachment's partial data is not checked, and its bytes are not counted
        List<DumpRecord> missing = with(l, AttachmentEnd.class, 0, r -> new AttachmentEnd(0, null, true, "gone"));
        String m = violation(missing);
        assertTrue(m.contains("FolderEnd of folder i says bytes 340, the stream holds 40"), m);
    }

    @Test
    void counts_in_folder_end_store_end_and_trailer_are_checked() throws IOException {
        List<DumpRecord> l = smallRecords();
        expect(with(l, FolderEnd.class, 1, r -> {
            FolderEnd f = (FolderEnd) r;
            return new FolderEnd(f.id(), f.messages() + 1, f.associated(), f.attachments(), f.bytes());
        }), "^" + "wrong totals at record \\d+: FolderEnd of folder i says messages 3, the stream holds 2" + "$");
        expect(with(l, FolderEnd.class, 1, r -> {
            FolderEnd f = (FolderEnd) r;
            return new FolderEnd(f.id(), f.messages(), f.associated() - 1, f.attachments(), f.bytes());
        }), Pattern.quote("says associated 0, the stream holds 1"));
        expect(with(l, FolderEnd.class, 0, r -> new FolderEnd("x", 0, 0, 0, 0)), Pattern.quote("FolderEnd of x closes folder r"));
        expect(with(l, StoreEnd.class, 0, r -> {
            StoreEnd s = (StoreEnd) r;
            Totals t = s.totals();
            return new StoreEnd(s.guid(), new Totals(t.folders(), t.messages(), t.associated(), t.attachments(),
                    t.attachmentBytes(), 1, t.skipped()));
        }), Pattern.quote("says missingAttachments 1, the stream holds 0"));
        Trailer t = (Trailer) l.get(l.size() - 1);
        expect(with(l, Trailer.class, 0, r -> new Trailer(t.stores(), t.total(), t.records() + 1, 0)), Pattern.quote("Trailer says records " + (t.records() + 1) + ", the stream holds " + t.records()));
        expect(with(l, Trailer.class, 0, r -> new Trailer(Map.of(), t.total(), t.records(), 0)), Pattern.quote("the Trailer lists stores [], the stream holds [" + DumpBuilder.STORE_A + "]"));
        Totals tt = t.total();
        expect(with(l, Trailer.class, 0, r -> new Trailer(t.stores(), new Totals(tt.folders(),
                tt.messages() + 1, tt.associated(), tt.attachments(), tt.attachmentBytes(), tt.missingAttachments(),
                tt.skipped()), t.records(), 0)), Pattern.quote("Trailer total says messages 3, the stream holds 2"));
        expect(with(l, Trailer.class, 0, r -> new Trailer(t.stores(), new Totals(tt.folders(),
                tt.messages(), tt.associated(), tt.attachments(), tt.attachmentBytes(), tt.missingAttachments(),
                Map.of()), t.records(), 0)), Pattern.quote("the Trailer total skips 0 'search folder', the stores together 1"));
        // skips outside any store (e.g. a store that was left out) may add to the total
        DumpValidator ok = new DumpValidator(source(with(l, Trailer.class, 0, r -> new Trailer(t.stores(),
                new Totals(tt.folders(), tt.messages(), tt.associated(), tt.attachments(), tt.attachmentBytes(),
                        tt.missingAttachments(), Map.of("search folder", 1L, "orphan store", 1L)), t.records(), 0))));
        drain(ok);
        assertTrue(ok.complete());
    }

    @Test
    void a_missing_trailer_is_truncation() {
        List<DumpRecord> l;
        try {
            l = smallRecords();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals("truncated at record " + (l.size() - 1) + ": the stream ends without a trailer",
                violation(l.subList(0, l.size() - 1)));
    }

    @Test
    void through_a_reader_the_violation_names_the_byte_offset_of_the_record() throws IOException {
        List<DumpRecord> l = with(smallRecords(), FolderEnd.class, 1, r -> {
            FolderEnd f = (FolderEnd) r;
            return new FolderEnd(f.id(), 7, f.associated(), f.attachments(), f.bytes());
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DumpWriter w = new DumpWriter(out, false)) {
            for (DumpRecord r : l) {
                w.write(r);
            }
        }
        DumpReader reader = new DumpReader(new ByteArrayInputStream(out.toByteArray()));
        DumpValidator v = new DumpValidator(reader);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> drain(v));
        assertEquals("wrong totals at byte " + reader.recordOffset()
                + ": FolderEnd of folder i says messages 7, the stream holds 2", e.getMessage());
        assertEquals(reader.recordOffset(), e.offset());
        assertTrue(reader.recordOffset() > 100);
    }
}
