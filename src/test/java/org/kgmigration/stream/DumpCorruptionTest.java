package org.kgmigration.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bit flips, truncation and foreign input are found by DumpReader + DumpValidator, with the offset. */
class DumpCorruptionTest {
    private static final Pattern AT_BYTE = Pattern.compile("at byte (\\d+)");

    static byte[] small(boolean compress) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpBuilder.small(new DumpWriter(out, compress));
        return out.toByteArray();
    }

    /** Reads and validates everything; returns the records (Data as hex for comparison) or throws. */
    static List<String> readValidated(byte[] dump) throws IOException {
        List<String> out = new ArrayList<>();
        DumpValidator v = new DumpValidator(new DumpReader(new ByteArrayInputStream(dump)));
        DumpRecord r;
        while ((r = v.next()) != null) {
            out.add(r instanceof DumpRecord.Data d ? "Data" + Arrays.toString(d.bytes()) : r.toString());
        }
        return out;
    }

    /** The DumpFormatException reading {@code dump} must raise; fails the test when none comes. */
    static DumpFormatException failure(byte[] dump, String what) throws IOException {
        try {
            readValidated(dump);
        } catch (DumpFormatException e) {
            assertTrue(AT_BYTE.matcher(e.getMessage()).find(), "no offset in: " + e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
            return e;
        }
        fail(what + " was not detected");
        return null;
    }

    static long offsetIn(DumpFormatException e) {
        Matcher m = AT_BYTE.matcher(e.getMessage());
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    /** Start offsets of the records of a clean uncompressed dump, plus its length at the end. */
    static List<Long> recordStarts(byte[] dump) throws IOException {
        List<Long> starts = new ArrayList<>();
        DumpReader r = new DumpReader(new ByteArrayInputStream(dump));
        while (r.next() != null) {
            starts.add(r.recordOffset());
        }
        starts.add((long) dump.length);
        return starts;
    }

    @Test
    void every_single_bit_flip_is_detected_and_located() throws IOException {
        byte[] clean = small(false);
        List<Long> starts = recordStarts(clean);
        assertEquals(19, starts.get(0)); // the 19-byte signature comes first
        for (int pos = 0; pos < clean.length; pos++) {
            int k = 0;
            while (k + 1 < starts.size() && starts.get(k + 1) <= pos) {
                k++;
            }
            for (int bit = 0; bit < 8; bit++) {
                byte[] b = clean.clone();
                b[pos] ^= (byte) (1 << bit);
                DumpFormatException e = failure(b, "flip of bit " + bit + " at byte " + pos);
                long at = offsetIn(e);
                assertTrue(at <= clean.length, e.getMessage());
                if (pos >= 19 && pos >= starts.get(k) + 9) {
                    // inside a payload or the checksum: the record is named by its first byte
                    assertTrue(e.getMessage().startsWith("corrupt record at byte " + starts.get(k) + ": "),
                            "flip at " + pos + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void flips_in_compressed_dumps_are_detected_or_harmless() throws IOException {
        byte[] clean = small(true);
        List<String> want = readValidated(clean);
        int detected = 0;
        int positions = 0;
        for (int pos = 10; pos < clean.length; pos++) { // after the gzip header (mtime/os bytes carry no data)
            for (int bit : new int[] {0, 3, 6}) {
                byte[] b = clean.clone();
                b[pos] ^= (byte) (1 << bit);
                positions++;
                try {
                    List<String> got = readValidated(b);
                    // not detected: then the stream must carry exactly the same records (deflate padding bits)
                    assertEquals(want, got, "undetected flip at " + pos + " changed the records");
                } catch (DumpFormatException e) {
                    assertTrue(AT_BYTE.matcher(e.getMessage()).find(), e.getMessage());
                    detected++;
                }
            }
        }
        assertTrue(detected > positions * 0.95, detected + " of " + positions);
        // the gzip trailer (CRC-32 and length of the uncompressed data) is checked
        for (int pos = clean.length - 8; pos < clean.length; pos++) {
            byte[] b = clean.clone();
            b[pos] ^= 0x01;
            assertTrue(failure(b, "flip in the gzip trailer").getMessage().startsWith("corrupt compressed data at byte "));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void every_truncation_is_detected(boolean compress) throws IOException {
        byte[] clean = small(compress);
        assertEquals(readValidated(clean).size(), recordStarts(small(false)).size() - 1);
        for (int len = 0; len < clean.length; len++) {
            DumpFormatException e = failure(Arrays.copyOf(clean, len), "truncation to " + len + " bytes");
            assertTrue(e.getMessage().startsWith("truncated at byte "), e.getMessage());
        }
    }

    @Test
    void truncation_names_the_offset_and_the_broken_record() throws IOException {
        byte[] clean = small(false);
        List<Long> starts = recordStarts(clean);
        long third = starts.get(2);
        DumpFormatException e = failure(Arrays.copyOf(clean, (int) third + 5), "truncation");
        assertEquals("truncated at byte " + (third + 5) + ": the stream ends inside the record that starts at byte "
                + third, e.getMessage());
        DumpFormatException atBoundary = failure(Arrays.copyOf(clean, (int) third), "truncation");
        assertEquals("truncated at byte " + third + ": the stream ends without a trailer, after 2 complete records",
                atBoundary.getMessage());
        assertEquals(third, atBoundary.offset());
    }

    @Test
    void a_compressed_truncation_names_both_offsets() throws IOException {
        byte[] clean = small(true);
        DumpFormatException e = failure(Arrays.copyOf(clean, clean.length / 2), "truncation");
        assertTrue(e.getMessage().matches("truncated at byte \\d+ \\(compressed input near byte \\d+\\): .*"),
                e.getMessage());
    }

    @Test
    void data_after_the_trailer_is_refused() throws IOException {
        byte[] clean = small(false);
        byte[] twice = new byte[clean.length * 2];
        System.arraycopy(clean, 0, twice, 0, clean.length);
        System.arraycopy(clean, 0, twice, clean.length, clean.length);
        assertEquals("unexpected data after the trailer at byte " + clean.length
                + " (two dumps concatenated, or a damaged file?)", failure(twice, "concatenation").getMessage());
    }

    @Test
    void foreign_input_is_not_a_dump() throws IOException {
        for (byte[] foreign : List.of("PK\u0003\u0004 a zip".getBytes(StandardCharsets.ISO_8859_1),
                "hello world, this is text".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xD9})) {
            DumpFormatException e = failure(foreign, "foreign input");
            assertTrue(e.getMessage().startsWith("not a kgdump stream: the input starts with ")
                    || e.getMessage().startsWith("truncated at byte 1"), e.getMessage());
        }
        assertEquals("truncated at byte 0: the input is empty, not a dump stream",
                failure(new byte[0], "empty input").getMessage());
    }

    @Test
    void another_format_version_is_refused_by_number() throws IOException {
        byte[] b = small(false);
        b[18] = 2;
        assertEquals("unsupported dump format version 2 (at byte 18): this program reads version 1; use the "
                + "kg-migration release that wrote the dump, or a newer one", failure(b, "version 2").getMessage());
    }

    @Test
    void the_first_record_must_be_the_header() throws IOException {
        ByteArrayOutputStream spool = new ByteArrayOutputStream();
        try (DumpWriter w = new DumpWriter(spool, false)) {
            w.write(new DumpRecord.MessageEnd());
        }
        byte[] sig = Arrays.copyOf(small(false), 19);
        byte[] b = new byte[19 + spool.size()];
        System.arraycopy(sig, 0, b, 0, 19);
        System.arraycopy(spool.toByteArray(), 0, b, 19, spool.size());
        assertEquals("record out of order at byte 19: the first record is a MessageEnd, not the Header",
                failure(b, "no header").getMessage());
    }

    @Test
    void a_well_framed_but_undecodable_payload_is_named() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DumpWriter w = new DumpWriter(out, false)) {
            w.write(DumpBuilder.header());
        }
        // a Folder whose payload is the integer 5 instead of a map, correctly framed and checksummed
        Frames.write(out, DumpFormat.T_FOLDER, new byte[] {5}, 1);
        DumpFormatException e = failure(out.toByteArray(), "bad payload");
        assertTrue(e.getMessage().matches("invalid record at byte \\d+: payload is not a map \\(its checksum is right.*"),
                e.getMessage());
    }

    @Test
    void an_impossible_length_is_corruption_not_an_allocation() throws IOException {
        byte[] clean = small(false);
        List<Long> starts = recordStarts(clean);
        byte[] b = Arrays.copyOf(clean, clean.length + 8);
        int at = starts.get(1).intValue(); // the Store record
        byte[] frame = {(byte) 0x83, 8, (byte) 0xD8, 0x18, 0x5A, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        System.arraycopy(frame, 0, b, at, frame.length);
        DumpFormatException e = failure(b, "huge length");
        assertEquals("corrupt record at byte " + at + ": payload length 2147483647 exceeds the limit of "
                + (DumpFormat.MAX_CHUNK + 5) + " bytes for a Data record", e.getMessage());
        assertNotNull(e);
    }

    @Test
    void a_flip_inside_attachment_data_names_that_data_record() throws IOException {
        byte[] clean = small(false);
        List<Long> starts = recordStarts(clean);
        List<DumpRecord> records = new ArrayList<>();
        DumpReader r = new DumpReader(new ByteArrayInputStream(clean));
        DumpRecord x;
        while ((x = r.next()) != null) {
            records.add(x);
        }
        int data = -1;
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) instanceof DumpRecord.Data) {
                data = i;
                break;
            }
        }
        assertTrue(data > 0);
        long start = starts.get(data);
        byte[] b = clean.clone();
        b[(int) start + 100] ^= 0x40;
        assertTrue(failure(b, "flip in data").getMessage().startsWith("corrupt record at byte " + start
                + ": checksum mismatch (stored "));
        assertArrayEquals(clean, small(false)); // the writer is deterministic, so offsets are reproducible
    }
}
