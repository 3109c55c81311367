package org.kgmigration.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kgmigration.error.KgmException;
import org.kgmigration.cli.MigrateCli;
import org.kgmigration.stream.DumpBuilder;
import org.kgmigration.stream.DumpFormat;
import org.kgmigration.stream.DumpFormatException;
import org.kgmigration.stream.DumpWriter;
import picocli.CommandLine;

/** {@code migrate inspect} in-process: the picocli command, the YAML route on Camel, the inspector bean. */
class InspectCommandTest {
    /** Attachment bytes of the sample's Inbox: 3000 + (2 chunks + 10) + 77 in the embedded message. */
    static final long INBOX_BYTES = 3000 + 2L * DumpFormat.MAX_CHUNK + 10 + 77;

    record Run(int exit, String out, Exception error) {
    }

    static Path sample(Path dir, boolean compress) throws IOException {
        Path f = dir.resolve(compress ? "sample.d1.gz" : "sample.d1");
        try (OutputStream o = Files.newOutputStream(f)) {
            DumpBuilder.sample(new DumpWriter(o, compress));
        }
        return f;
    }

    static Run inspect(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicReference<Exception> error = new AtomicReference<>();
        CommandLine cl = new CommandLine(new MigrateCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            error.set(ex);
            return ex instanceof KgmException k ? k.exitCode() : 1;
        });
        String[] all = new String[args.length + 1];
        all[0] = "inspect";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cl.execute(all);
        return new Run(exit, out.toString(), error.get());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void a_complete_dump_is_reported_per_store_and_folder(boolean compress, @TempDir Path tmp) throws IOException {
        Path dump = sample(tmp, compress);
        Run r = inspect("--input=" + dump);
        assertEquals(0, r.exit(), String.valueOf(r.error()));
        String out = r.out();
        assertTrue(out.contains("Store " + DumpBuilder.STORE_A + "  private  owner: anna <anna@example.org> (User anna)"), out);
        assertTrue(out.contains("Store " + DumpBuilder.STORE_B + "  public  owner: -"), out);
        assertTrue(out.matches("(?s).*\\n  /IPM_SUBTREE/Inbox +inbox +3 +1 +4 +0 +" + INBOX_BYTES + "\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n  /IPM_SUBTREE/Sent Items +sent +1 +0 +1 +1 +0\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n  /IPM_SUBTREE/Inbox/Projects +- +0 +0 +0 +0 +0\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n  /Announcements +- +1 +0 +1 +1 +0\\n.*"), out);
        assertTrue(out.contains("  skipped: soft-deleted message 2\n"), out);
        assertTrue(out.contains("Total: 2 stores, 7 folders, 5 messages, 1 associated, 6 attachments (2 missing), "
                + INBOX_BYTES + " bytes\n"), out);
        assertTrue(out.endsWith("OK: complete dump, 51 records, all checksums verified\n"), out);
        assertEquals(compress, out.contains("gzip-compressed"), out);
    }

    @Test
    void json_has_store_guids_as_32_hex_digits_and_counts_as_numbers(@TempDir Path tmp) throws IOException {
        Path dump = sample(tmp, true);
        Run r = inspect("--input=" + dump, "--json");
        assertEquals(0, r.exit(), String.valueOf(r.error()));
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("complete").asBoolean());
        assertTrue(j.get("compressed").asBoolean());
        assertEquals(Files.size(dump), j.get("inputBytes").asLong());
        assertEquals(51, j.get("records").asLong());
        JsonNode a = j.get("stores").get(0);
        assertTrue(a.get("guid").asText().matches("[0-9a-f]{32}"));
        assertEquals(DumpBuilder.STORE_A, a.get("guid").asText());
        assertEquals("anna", a.get("owner").get("loginName").asText());
        JsonNode inbox = a.get("folders").get(2);
        assertEquals("/IPM_SUBTREE/Inbox", inbox.get("path").asText());
        assertEquals("inbox", inbox.get("role").asText());
        assertTrue(inbox.get("messages").isNumber());
        assertEquals(3, inbox.get("messages").asLong());
        assertEquals(1, inbox.get("associated").asLong());
        assertEquals(4, inbox.get("attachments").asLong());
        assertEquals(INBOX_BYTES, inbox.get("bytes").asLong());
        assertEquals(5, a.get("totals").get("folders").asLong());
        assertEquals(1, a.get("totals").get("missingAttachments").asLong());
        JsonNode b = j.get("stores").get(1);
        assertTrue(b.get("owner").isNull());
        assertEquals(2, b.get("totals").get("skipped").get("soft-deleted message").asLong());
        assertEquals(7, j.get("total").get("folders").asLong());
        assertEquals(INBOX_BYTES, j.get("total").get("attachmentBytes").asLong());
        assertEquals("0123456789abcdef0123456789abcdef", j.get("header").get("sourceServerGuid").asText());
        assertEquals("2023-11-14T22:13:20Z", j.get("header").get("started").asText());
    }

    /** Byte positions in the uncompressed sample: in the Header, a folder name, a Data chunk, the Trailer. */
    static List<Integer> corruptionPoints(byte[] dump) {
        int header = 40;
        int inboxName = indexOf(dump, "Inbox".getBytes(StandardCharsets.UTF_8)) + 2;
        int data = dump.length / 2;
        int trailer = dump.length - 12;
        return List.of(header, inboxName, data, trailer);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void a_flipped_byte_anywhere_fails_with_the_offset_of_its_record(@TempDir Path tmp) throws IOException {
        byte[] clean = Files.readAllBytes(sample(tmp, false));
        for (int pos : corruptionPoints(clean)) {
            byte[] b = clean.clone();
            b[pos] ^= 0x20;
            Path bad = tmp.resolve("bad-" + pos + ".d1");
            Files.write(bad, b);
            Run r = inspect("--input=" + bad);
            assertEquals(1, r.exit(), "flip at " + pos);
            DumpFormatException e = assertInstanceOf(DumpFormatException.class, r.error());
            assertTrue(e.getMessage().matches("corrupt record at byte \\d+: checksum mismatch .*"), e.getMessage());
            assertTrue(e.offset() <= pos && e.offset() > pos - DumpFormat.MAX_CHUNK - 20, e.getMessage());
            assertEquals("", r.out());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncation_anywhere_fails_naming_the_offset(boolean compress, @TempDir Path tmp) throws IOException {
        byte[] clean = Files.readAllBytes(sample(tmp, compress));
        for (int len : new int[] {0, 10, 200, clean.length / 3, clean.length - 20, clean.length - 1}) {
            Path cut = tmp.resolve("cut-" + len);
            Files.write(cut, Arrays.copyOf(clean, len));
            Run r = inspect("--input=" + cut);
            assertEquals(1, r.exit(), "cut at " + len);
            assertTrue(r.error().getMessage().startsWith("truncated at byte "), r.error().getMessage());
            assertEquals("", r.out());
        }
    }

    @Test
    void a_missing_file_is_one_clear_error(@TempDir Path tmp) {
        Run r = inspect("--input=" + tmp.resolve("nope.d1"));
        assertEquals(1, r.exit());
        assertEquals("dump file " + tmp.resolve("nope.d1") + " does not exist", r.error().getMessage());
        Run d = inspect("--input=" + tmp);
        assertEquals(tmp + " is a directory, not a dump file", d.error().getMessage());
    }

    @Test
    void exactly_one_of_input_and_stdin_is_required() {
        assertEquals(2, inspect().exit());
        assertEquals(2, inspect("--stdin", "--input=x").exit());
    }
}
