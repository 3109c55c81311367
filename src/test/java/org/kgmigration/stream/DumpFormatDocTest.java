package org.kgmigration.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
import org.kgmigration.testsupport.Programs;

/** The example in docs/dump-format.md is exactly what the writer produces for the records it describes. */
class DumpFormatDocTest {
    static final String STORE = "00112233445566778899aabbccddeeff";

    /** The records of the documented example. */
    static List<DumpRecord> example() {
        byte[] psetidCommon = PropName.guidBytes("{00062008-0000-0000-C000-000000000046}");
        Totals t = new Totals(1, 1, 0, 1, 6, 0, Map.of());
        return List.of(
                new Header(1, "kgdump", "0.1.0", "ffeeddccbbaa99887766554433221100", 63, "files_v2",
                        Map.of(), 1_700_000_000_000L, Map.of()),
                new Store(STORE, "public", null, List.of(), List.of(), List.of(), Map.of()),
                new Folder("0a0b", null, "root", false, List.of(Prop.of(0x3001001F, "Root")), List.of()),
                new Message("0c0d", false, false, false, List.of(Prop.of(0x0037001F, "Hi"),
                        new Prop(0x80010003, 7, PropName.ofLid(psetidCommon, 0x8580))), List.of()),
                new Attachment(List.of(Prop.of(0x0E200003, 6))),
                new Data("hello\n".getBytes(StandardCharsets.US_ASCII)),
                new AttachmentEnd(6, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", false, null),
                new MessageEnd(),
                new FolderEnd("0a0b", 1, 0, 1, 6),
                new StoreEnd(STORE, t),
                new Trailer(Map.of(STORE, t), t, 10, 1_700_000_000_500L));
    }

    static byte[] exampleBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DumpWriter w = new DumpWriter(out, false)) {
            for (DumpRecord r : example()) {
                w.write(r);
            }
        }
        return out.toByteArray();
    }

    /** The layout of {@code xxd}: offset, 16 bytes in pairs, ASCII. */
    static String hexdump(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int off = 0; off < b.length; off += 16) {
            s.append(String.format("%08x:", off));
            StringBuilder ascii = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                if (i % 2 == 0) {
                    s.append(' ');
                }
                if (off + i < b.length) {
                    int x = b[off + i] & 0xFF;
                    s.append(String.format("%02x", x));
                    ascii.append(x >= 0x20 && x < 0x7F ? (char) x : '.');
                } else {
                    s.append("  ");
                }
            }
            s.append("  ").append(ascii).append('\n');
        }
        return s.toString();
    }

    @Test
    void the_documented_hexdump_is_what_the_writer_writes() throws IOException {
        String doc = Files.readString(Programs.projectDir().resolve("docs/dump-format.md"));
        String begin = "<!-- example-hexdump: generated, checked by DumpFormatDocTest -->\n```\n";
        int start = doc.indexOf(begin);
        assertTrue(start >= 0, "docs/dump-format.md lacks the example marker");
        int end = doc.indexOf("```\n", start + begin.length());
        String documented = doc.substring(start + begin.length(), end);
        assertEquals(hexdump(exampleBytes()), documented);
    }

    @Test
    void the_example_reads_back_and_validates() throws IOException {
        DumpValidator v = new DumpValidator(new DumpReader(new ByteArrayInputStream(exampleBytes())));
        List<DumpRecord> back = new ArrayList<>();
        DumpRecord r;
        while ((r = v.next()) != null) {
            back.add(r);
        }
        assertEquals(example().size(), back.size());
        assertTrue(v.complete());
        assertEquals(example().get(3), back.get(3));
    }

    /** Prints the example for the documentation: {@code java ... DumpFormatDocTest}. */
    public static void main(String[] args) throws IOException {
        byte[] b = exampleBytes();
        System.out.print(hexdump(b));
        DumpReader r = new DumpReader(new ByteArrayInputStream(b));
        DumpRecord x;
        while ((x = r.next()) != null) {
            System.out.printf("%5d 0x%04x %s%n", r.recordOffset(), r.recordOffset(), DumpFormat.typeName(x));
        }
    }
}
