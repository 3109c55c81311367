package org.kgmigration.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kgmigration.stream.DumpRecord.Acl;
import org.kgmigration.stream.DumpRecord.Attachment;
import org.kgmigration.stream.DumpRecord.AttachmentEnd;
import org.kgmigration.stream.DumpRecord.Data;
import org.kgmigration.stream.DumpRecord.Folder;
import org.kgmigration.stream.DumpRecord.FolderEnd;
import org.kgmigration.stream.DumpRecord.Header;
import org.kgmigration.stream.DumpRecord.Message;
import org.kgmigration.stream.DumpRecord.MessageEnd;
import org.kgmigration.stream.DumpRecord.Owner;
import org.kgmigration.stream.DumpRecord.ReceiveFolder;
import org.kgmigration.stream.DumpRecord.Store;
import org.kgmigration.stream.DumpRecord.StoreEnd;
import org.kgmigration.stream.DumpRecord.Totals;
import org.kgmigration.stream.DumpRecord.Trailer;

/** Writer → reader round trips: every property type, every record type, data chunks, spools. */
class DumpRoundTripTest {
    private static final byte[] PS_PUBLIC_STRINGS = PropName.guidBytes("{00020329-0000-0000-C000-000000000046}");
    private static final byte[] PSETID_APPOINTMENT = PropName.guidBytes("{00062002-0000-0000-C000-000000000046}");

    static int tag(int id, int type) {
        return (id << 16) | type;
    }

    /** One property of every type, with the edge values that codecs tend to get wrong. */
    static List<Prop> allTypes() {
        byte[] clsid = PropName.guidBytes("{00062008-0000-0000-C000-000000000046}");
        List<Prop> p = new ArrayList<>();
        p.add(Prop.of(tag(0x1000, PropType.PT_SHORT), (int) Short.MIN_VALUE));
        p.add(Prop.of(tag(0x1001, PropType.PT_SHORT), 32767));
        p.add(Prop.of(tag(0x1002, PropType.PT_LONG), -1));
        p.add(Prop.of(tag(0x1003, PropType.PT_LONG), Integer.MIN_VALUE));
        p.add(Prop.of(tag(0x1004, PropType.PT_LONG), Integer.MAX_VALUE));
        p.add(Prop.of(tag(0x1005, PropType.PT_FLOAT), 1.1f));
        p.add(Prop.of(tag(0x1006, PropType.PT_FLOAT), -0.0f));
        p.add(Prop.of(tag(0x1007, PropType.PT_FLOAT), Float.NaN));
        p.add(Prop.of(tag(0x1008, PropType.PT_DOUBLE), 0.1));
        p.add(Prop.of(tag(0x1009, PropType.PT_DOUBLE), -0.0));
        p.add(Prop.of(tag(0x100A, PropType.PT_DOUBLE), 0.0));
        p.add(Prop.of(tag(0x100B, PropType.PT_DOUBLE), Double.NaN));
        p.add(Prop.of(tag(0x100C, PropType.PT_DOUBLE), Double.longBitsToDouble(0x7ff8000000000123L)));
        p.add(Prop.of(tag(0x100D, PropType.PT_DOUBLE), Double.NEGATIVE_INFINITY));
        p.add(Prop.of(tag(0x100E, PropType.PT_DOUBLE), Double.MIN_VALUE));
        p.add(Prop.of(tag(0x100F, PropType.PT_CURRENCY), -123456789012L));
        p.add(Prop.of(tag(0x1010, PropType.PT_APPTIME), 45000.75));
        p.add(Prop.of(tag(0x1011, PropType.PT_ERROR), 0x8004010F));
        p.add(Prop.of(tag(0x1012, PropType.PT_BOOLEAN), true));
        p.add(Prop.of(tag(0x1013, PropType.PT_BOOLEAN), false));
        p.add(Prop.of(tag(0x1014, PropType.PT_I8), Long.MIN_VALUE));
        p.add(Prop.of(tag(0x1015, PropType.PT_I8), Long.MAX_VALUE));
        p.add(Prop.of(tag(0x1016, PropType.PT_I8), 0L));
        p.add(Prop.of(tag(0x1017, PropType.PT_STRING8), "ascii"));
        p.add(Prop.of(tag(0x1018, PropType.PT_UNICODE), "Grüße 日本 \uD83D\uDE00 \u0000 nul"));
        p.add(Prop.of(tag(0x1019, PropType.PT_UNICODE), ""));
        p.add(Prop.of(tag(0x101A, PropType.PT_SYSTIME), 133_000_000_000_000_000L));
        p.add(Prop.of(tag(0x101B, PropType.PT_SYSTIME), 0L));
        p.add(Prop.of(tag(0x101C, PropType.PT_CLSID), clsid));
        p.add(Prop.of(tag(0x101D, PropType.PT_BINARY), new byte[0]));
        p.add(Prop.of(tag(0x101E, PropType.PT_BINARY), new byte[] {0, (byte) 0xFF, 0x7F, (byte) 0x80}));
        p.add(Prop.of(tag(0x101F, PropType.PT_OBJECT), new byte[] {1, 2}));
        p.add(Prop.of(tag(0x1020, 0x0001), new byte[0])); // PT_NULL: an opaque byte string
        p.add(Prop.of(tag(0x1021, PropType.MV_FLAG | PropType.PT_SHORT), List.of(1, -2)));
        p.add(Prop.of(tag(0x1022, PropType.MV_FLAG | PropType.PT_LONG), List.of(-1, 0, Integer.MAX_VALUE)));
        p.add(Prop.of(tag(0x1023, PropType.MV_FLAG | PropType.PT_FLOAT), List.of(0.5f, -0.0f)));
        p.add(Prop.of(tag(0x1024, PropType.MV_FLAG | PropType.PT_DOUBLE), List.of(Double.NaN, -0.0, 1e300)));
        p.add(Prop.of(tag(0x1025, PropType.MV_FLAG | PropType.PT_CURRENCY), List.of(Long.MIN_VALUE, 5L)));
        p.add(Prop.of(tag(0x1026, PropType.MV_FLAG | PropType.PT_APPTIME), List.of(1.5)));
        p.add(Prop.of(tag(0x1027, PropType.MV_FLAG | PropType.PT_I8), List.of(Long.MAX_VALUE, -1L)));
        p.add(Prop.of(tag(0x1028, PropType.MV_FLAG | PropType.PT_STRING8), List.of("a", "")));
        p.add(Prop.of(tag(0x1029, PropType.MV_FLAG | PropType.PT_UNICODE), List.of("x", "", "ÿ")));
        p.add(Prop.of(tag(0x102A, PropType.MV_FLAG | PropType.PT_SYSTIME), List.of(1L, 2L)));
        p.add(Prop.of(tag(0x102B, PropType.MV_FLAG | PropType.PT_CLSID), List.of(clsid, new byte[16])));
        p.add(Prop.of(tag(0x102C, PropType.MV_FLAG | PropType.PT_BINARY), List.of(new byte[0], new byte[] {9})));
        p.add(Prop.of(tag(0x102D, PropType.MV_FLAG | PropType.PT_UNICODE), List.of()));
        p.add(new Prop(tag(0x8001, PropType.PT_SYSTIME), 130_000_000_000_000_000L, PropName.ofLid(PSETID_APPOINTMENT, 0x820D)));
        p.add(new Prop(tag(0x8002, PropType.PT_BOOLEAN), true, PropName.ofLid(PSETID_APPOINTMENT, 0xFFFFFFFFL)));
        p.add(new Prop(tag(0x8003, PropType.MV_FLAG | PropType.PT_UNICODE), List.of("tag1", "tag2"),
                PropName.ofName(PS_PUBLIC_STRINGS, "Keywords")));
        p.add(new Prop(tag(0x8004, PropType.PT_UNICODE), "v", PropName.ofName(PS_PUBLIC_STRINGS, "")));
        p.add(new Prop(tag(0xFFFF, PropType.PT_LONG), 7, PropName.ofName(PS_PUBLIC_STRINGS, "x-ümlaut-header")));
        return p;
    }

    static byte[] write(boolean compress, List<DumpRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DumpWriter w = new DumpWriter(out, compress)) {
            for (DumpRecord r : records) {
                w.write(r);
            }
        }
        return out.toByteArray();
    }

    static List<DumpRecord> readAll(byte[] dump) throws IOException {
        List<DumpRecord> out = new ArrayList<>();
        try (DumpReader r = new DumpReader(new ByteArrayInputStream(dump))) {
            DumpRecord x;
            while ((x = r.next()) != null) {
                out.add(x);
            }
        }
        return out;
    }

    /** A complete, valid dump around one message with {@code props}. */
    static List<DumpRecord> dumpWith(List<Prop> props) {
        Totals t = new Totals(1, 1, 0, 0, 0, 0, Map.of());
        return List.of(DumpBuilder.header(),
                new Store(DumpBuilder.STORE_A, "private", null, List.of(), List.of(), List.of(), Map.of()),
                new Folder("f1", null, "root", false, List.of(), List.of()),
                new Message("m1", false, false, false, props, List.of(props)),
                new MessageEnd(),
                new FolderEnd("f1", 1, 0, 0, 0),
                new StoreEnd(DumpBuilder.STORE_A, t),
                new Trailer(Map.of(DumpBuilder.STORE_A, t), t, 7, 1));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void every_property_type_round_trips_with_its_exact_java_type(boolean compress) throws IOException {
        List<Prop> props = allTypes();
        List<DumpRecord> back = readAll(write(compress, dumpWith(props)));
        Message m = assertInstanceOf(Message.class, back.get(3));
        assertEquals(props.size(), m.props().size());
        for (int i = 0; i < props.size(); i++) {
            Prop want = props.get(i);
            Prop got = m.props().get(i);
            assertEquals(want, got, "property " + i);
            assertSameJava(want.value(), got.value(), want.toString());
        }
        assertEquals(List.of(props), m.recipients());
    }

    /** Same class, and floating point values bit for bit (NaN payloads and the sign of zero). */
    private static void assertSameJava(Object want, Object got, String what) {
        if (want instanceof List<?> l) {
            List<?> g = assertInstanceOf(List.class, got, what);
            assertEquals(l.size(), g.size(), what);
            for (int i = 0; i < l.size(); i++) {
                assertSameJava(l.get(i), g.get(i), what + "[" + i + "]");
            }
            return;
        }
        assertEquals(want.getClass(), got.getClass(), what);
        if (want instanceof Double d) {
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) got), what);
        } else if (want instanceof Float f) {
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) got), what);
        } else if (want instanceof byte[] b) {
            assertArrayEquals(b, (byte[]) got, what);
        }
    }

    @Test
    void every_record_type_round_trips() throws IOException {
        Map<String, Object> selection = new LinkedHashMap<>();
        selection.put("stores", List.of("anna", "bert"));
        selection.put("includeSoftDeleted", true);
        selection.put("since", 12L);
        selection.put("ratio", 0.5);
        selection.put("nested", Map.of("k", "v"));
        Header h = new Header(1, "kgdump", "1.2.3", "00112233445566778899aabbccddeeff", 117, "files_v2",
                selection, 1_700_000_000_123L, Map.of("concurrency", 4L));
        Owner owner = new Owner(7, "anna", "anna@example.org", "Anna A.", "0a1b", 0x10001, false, "anna.old", 0);
        Store store = new Store(DumpBuilder.STORE_A, "private", owner, List.of(Prop.of(0x3001001F, "Anna")),
                List.of(new Acl(1, "everyone", 2, 0x1FBL), new Acl(9, null, 1, 0xFFFFFFFFL)),
                List.of(new ReceiveFolder("", "f2"), new ReceiveFolder("IPM.Note", "f2")),
                Map.of("inbox", "f2", "sent", "f3"));
        Folder root = new Folder("f1", null, "root", false, List.of(), List.of());
        Folder inbox = new Folder("f2", "f1", "inbox", true, List.of(Prop.of(0x3001001F, "Inbox")),
                List.of(new Acl(3, "bert", 2, 1L)));
        Message msg = new Message("0a0b0c", true, true, false, List.of(), List.of());
        Totals t = new Totals(2, 0, 1, 1, 3, 0, Map.of("search folder", 1L));
        List<DumpRecord> records = List.of(h, store, root, new FolderEnd("f1", 0, 0, 0, 0), inbox, msg,
                new Attachment(List.of(Prop.of(0x37050003, 1))), new Data(new byte[] {1, 2, 3}),
                new AttachmentEnd(3, "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", false, null),
                new MessageEnd(), new FolderEnd("f2", 0, 1, 1, 3), new StoreEnd(DumpBuilder.STORE_A, t),
                new Trailer(Map.of(DumpBuilder.STORE_A, t), t, 12, 1_700_000_000_999L));
        byte[] dump = write(false, records);
        List<DumpRecord> back = readAll(dump);
        assertEquals(records.size(), back.size());
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) instanceof Data d) {
                assertArrayEquals(d.bytes(), ((Data) back.get(i)).bytes());
            } else {
                assertEquals(records.get(i), back.get(i), "record " + i);
            }
        }
        Header hb = (Header) back.get(0);
        assertEquals(List.of("anna", "bert"), hb.selection().get("stores"));
        assertEquals(Double.class, hb.selection().get("ratio").getClass());
        // the validator accepts it as well
        DumpValidator v = new DumpValidator(new DumpReader(new ByteArrayInputStream(dump)));
        while (v.next() != null) {
            assertTrue(v.records() > 0);
        }
        assertTrue(v.complete());
    }

    @Test
    void absent_fields_read_back_as_null() throws IOException {
        Header h = new Header(1, null, null, null, 0, null, null, 0, null);
        Message m = new Message(null, false, false, true, null, null);
        AttachmentEnd e = new AttachmentEnd(0, null, true, null);
        Trailer t = new Trailer(null, null, 3, 0);
        List<DumpRecord> back = readAll(write(false, List.of(h, m, e, t)));
        assertEquals(List.of(h, m, e, t), back);
    }

    @Test
    void an_unpaired_surrogate_becomes_a_replacement_character() throws IOException {
        List<Prop> props = List.of(Prop.of(0x0037001F, "a\uD800b"), Prop.of(0x0038001F, "\uDC00"));
        Message m = (Message) readAll(write(false, dumpWith(props))).get(3);
        assertEquals("a\uFFFDb", m.props().get(0).value());
        assertEquals("\uFFFD", m.props().get(1).value());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, DumpFormat.MAX_CHUNK - 1, DumpFormat.MAX_CHUNK, DumpFormat.MAX_CHUNK + 1,
        3 * DumpFormat.MAX_CHUNK + 17})
    void writeData_splits_into_full_chunks_and_returns_size_and_sha256(int size) throws Exception {
        byte[] data = DumpBuilder.bytes(size, size);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AttachmentEnd end;
        try (DumpWriter w = new DumpWriter(out, false)) {
            w.write(DumpBuilder.header());
            end = w.writeData(new ByteArrayInputStream(data));
            w.write(end);
            w.write(new Trailer(Map.of(), new Totals(0, 0, 0, 0, 0, 0, Map.of()), w.recordsWritten(), 0));
            w.flush();
            assertEquals(out.size(), w.bytesWritten());
            assertEquals(out.size(), w.outputBytes());
        }
        assertEquals(size, end.size());
        assertEquals(size == 0 ? null : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
                end.sha256());
        assertEquals(false, end.missing());
        List<DumpRecord> back = readAll(out.toByteArray());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int chunks = 0;
        for (DumpRecord r : back) {
            if (r instanceof Data d) {
                chunks++;
                assertTrue(d.bytes().length <= DumpFormat.MAX_CHUNK);
                joined.write(d.bytes());
            }
        }
        assertEquals((size + DumpFormat.MAX_CHUNK - 1) / DumpFormat.MAX_CHUNK, chunks);
        assertArrayEquals(data, joined.toByteArray());
        assertEquals(end, back.get(back.size() - 2));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void the_sample_dump_reads_back_and_validates(boolean compress) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpWriter w = new DumpWriter(out, compress);
        DumpBuilder.sample(w);
        assertTrue(w.complete());
        byte[] dump = out.toByteArray();
        assertEquals(compress, (dump[0] & 0xFF) == 0x1F && (dump[1] & 0xFF) == 0x8B);
        if (compress) {
            assertTrue(dump.length < w.bytesWritten(), "compression made it smaller? " + dump.length);
        } else {
            assertEquals(dump.length, w.bytesWritten());
        }
        DumpReader reader = new DumpReader(new ByteArrayInputStream(dump));
        DumpValidator v = new DumpValidator(reader);
        long n = 0;
        while (v.next() != null) {
            n++;
        }
        assertEquals(w.recordsWritten(), n);
        assertEquals(compress, reader.compressed());
        assertEquals(w.bytesWritten(), reader.offset());
        assertEquals(w.recordsWritten() - 1, v.trailer().records());
        assertEquals(2, v.trailer().stores().size());
        assertEquals(2L * DumpFormat.MAX_CHUNK + 10 + 3000 + 77, v.trailer().total().attachmentBytes());
        assertNull(reader.next());
    }

    @Test
    void spools_are_appended_byte_for_byte_and_counted(@TempDir Path tmp) throws IOException {
        Path spool = tmp.resolve("folder.spool");
        long spoolRecords;
        try (DumpWriter s = new DumpWriter(Files.newOutputStream(spool), false)) {
            DumpBuilder b = new DumpBuilder(s);
            b.folder("f2", "f1", "inbox", "Inbox").message("m1", false, "hi")
                    .attachment("a", DumpBuilder.bytes(DumpFormat.MAX_CHUNK + 5, 9)).endMessage().endFolder();
            spoolRecords = s.recordsWritten();
        }
        byte[] spoolBytes = Files.readAllBytes(spool);
        assertEquals(8, spoolRecords); // Folder Message Attachment Data Data AttachmentEnd MessageEnd FolderEnd
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpWriter w = new DumpWriter(out, false);
        w.write(DumpBuilder.header());
        w.write(new Store(DumpBuilder.STORE_A, "private", null, List.of(), List.of(), List.of(), Map.of()));
        w.write(new Folder("f1", null, "root", false, List.of(), List.of()));
        w.write(new FolderEnd("f1", 0, 0, 0, 0));
        long before = w.bytesWritten();
        w.appendSpool(spool);
        assertEquals(4 + spoolRecords, w.recordsWritten());
        assertEquals(before + spoolBytes.length, w.bytesWritten());
        Totals t = new Totals(2, 1, 0, 1, DumpFormat.MAX_CHUNK + 5, 0, Map.of());
        w.write(new StoreEnd(DumpBuilder.STORE_A, t));
        w.write(new Trailer(Map.of(DumpBuilder.STORE_A, t), t, w.recordsWritten(), 2));
        w.close();
        byte[] dump = out.toByteArray();
        assertArrayEquals(spoolBytes, Arrays.copyOfRange(dump, (int) before, (int) before + spoolBytes.length));
        // the raw append (kgdump's own spools) writes the same stream without parsing the spool
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        DumpWriter rw = new DumpWriter(raw, false);
        rw.write(DumpBuilder.header());
        rw.write(new Store(DumpBuilder.STORE_A, "private", null, List.of(), List.of(), List.of(), Map.of()));
        rw.write(new Folder("f1", null, "root", false, List.of(), List.of()));
        rw.write(new FolderEnd("f1", 0, 0, 0, 0));
        rw.appendSpool(spool, spoolRecords);
        assertEquals(4 + spoolRecords, rw.recordsWritten());
        rw.write(new StoreEnd(DumpBuilder.STORE_A, t));
        rw.write(new Trailer(Map.of(DumpBuilder.STORE_A, t), t, rw.recordsWritten(), 2));
        rw.close();
        assertArrayEquals(dump, raw.toByteArray());
        DumpValidator v = new DumpValidator(new DumpReader(new ByteArrayInputStream(dump)));
        while (v.next() != null) {
            assertTrue(v.records() <= w.recordsWritten());
        }
        assertTrue(v.complete());
    }

    @Test
    void a_corrupt_spool_or_one_with_a_header_is_refused(@TempDir Path tmp) throws IOException {
        Path spool = tmp.resolve("s");
        try (DumpWriter s = new DumpWriter(Files.newOutputStream(spool), false)) {
            s.write(new MessageEnd());
            s.write(new Folder("f", null, null, false, List.of(Prop.of(0x3001001F, "x")), List.of()));
        }
        byte[] b = Files.readAllBytes(spool);
        b[b.length - 8] ^= 0x10; // inside the Folder, which follows the 11-byte MessageEnd frame
        Files.write(spool, b);
        DumpWriter w = new DumpWriter(new ByteArrayOutputStream(), false);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> w.appendSpool(spool));
        assertTrue(e.getMessage().matches("spool file .*: corrupt record at byte 11: checksum mismatch.*"), e.getMessage());

        Path withHeader = tmp.resolve("h");
        try (DumpWriter s = new DumpWriter(Files.newOutputStream(withHeader), false)) {
            s.write(DumpBuilder.header());
        }
        DumpFormatException e2 = assertThrows(DumpFormatException.class, () -> new DumpWriter(
                new ByteArrayOutputStream(), false).appendSpool(withHeader));
        assertTrue(e2.getMessage().contains("corrupt record at byte 0"), e2.getMessage()); // the signature is no record
    }

    @Test
    void the_writer_refuses_values_of_the_wrong_java_type() throws IOException {
        DumpWriter w = new DumpWriter(new ByteArrayOutputStream(), false);
        w.write(DumpBuilder.header());
        for (Prop bad : List.of(Prop.of(0x00170003, 5L), Prop.of(0x00170014, 5), Prop.of(0x00170004, 1.0),
                Prop.of(0x00170005, 1.0f), Prop.of(0x0017001F, new byte[0]), Prop.of(0x00170048, new byte[15]),
                Prop.of(0x00170102, "x"), Prop.of(0x00171003, 5), Prop.of(0x00171003, List.of(5L)),
                Prop.of(0x0017000B, 1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.write(new Attachment(List.of(bad))), bad.toString());
            assertTrue(e.getMessage().contains("0x0017"), e.getMessage());
        }
        // the failed records left nothing behind: the stream still validates
        w.write(new Trailer(Map.of(), new Totals(0, 0, 0, 0, 0, 0, Map.of()), w.recordsWritten(), 0));
        assertEquals(2, w.recordsWritten());
    }

    @Test
    void the_header_comes_first_and_nothing_after_the_trailer() throws IOException {
        DumpWriter w = new DumpWriter(new ByteArrayOutputStream(), false);
        w.write(new MessageEnd());
        assertThrows(IllegalStateException.class, () -> w.write(DumpBuilder.header()));
        DumpWriter w2 = new DumpWriter(new ByteArrayOutputStream(), false);
        w2.write(DumpBuilder.header());
        w2.write(new Trailer(Map.of(), new Totals(0, 0, 0, 0, 0, 0, Map.of()), 1, 0));
        assertThrows(IllegalStateException.class, () -> w2.write(new MessageEnd()));
        assertThrows(IllegalArgumentException.class, () -> new DumpWriter(new ByteArrayOutputStream(), false)
                .write(new Header(2, "x", "y", null, 0, null, null, 0, null)));
        assertThrows(IllegalArgumentException.class, () -> w.write(new Data(new byte[DumpFormat.MAX_CHUNK + 1])));
    }
}
