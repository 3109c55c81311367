package org.kgmigration.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kgmigration.stream.DumpBuilder;
import org.kgmigration.testsupport.Programs;
import org.kgmigration.testsupport.Programs.Result;

/** {@code bin/migrate inspect} as an administrator runs it on a dump file or a pipe. */
class InspectIT {
    private static Path dir;
    private static Path plain;
    private static Path gz;

    @BeforeAll
    static void dumps() throws IOException {
        dir = Programs.tempDir("kgm-inspect");
        plain = InspectCommandTest.sample(dir, false);
        gz = InspectCommandTest.sample(dir, true);
    }

    static Result migrate(String... args) {
        return Programs.program("migrate", args).env("DEBUG_LEVEL", "warn").cwd(dir).go();
    }

    @Test
    void a_complete_dump_file_is_ok() {
        Result r = migrate("inspect", "--input=" + plain);
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.out().startsWith("Dump format 1, written by kgdump 0.1.0-test"), r.out());
        assertTrue(r.out().contains("/IPM_SUBTREE/Inbox"), r.out());
        assertTrue(r.out().endsWith("OK: complete dump, 51 records, all checksums verified\n"), r.out());
        assertEquals("", r.stderr());
    }

    @Test
    void a_compressed_dump_on_stdin_reports_json() throws IOException {
        Result r = Programs.program("migrate", "inspect", "--stdin", "--json").env("DEBUG_LEVEL", "warn")
                .stdin(Files.newInputStream(gz)).go();
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode j = new ObjectMapper().readTree(r.stdout());
        assertTrue(j.get("compressed").asBoolean());
        assertEquals(Files.size(gz), j.get("inputBytes").asLong());
        assertEquals(DumpBuilder.STORE_B, j.get("stores").get(1).get("guid").asText());
        assertEquals(5, j.get("total").get("messages").asLong());
    }

    @Test
    void corruption_is_one_line_naming_the_offset_and_exit_1() throws IOException {
        byte[] clean = Files.readAllBytes(plain);
        for (int pos : InspectCommandTest.corruptionPoints(clean)) {
            byte[] b = clean.clone();
            b[pos] ^= 0x01;
            Path bad = dir.resolve("flipped-" + pos + ".d1");
            Files.write(bad, b);
            Result r = migrate("inspect", "--input=" + bad);
            assertEquals(1, r.exitCode(), r.stderr());
            assertEquals(1, r.errLines().size(), r.stderr());
            assertTrue(r.stderr().matches("migrate: corrupt record at byte \\d+: checksum mismatch .*\\n"), r.stderr());
            assertEquals(0, r.stdout().length);
        }
        byte[] z = Files.readAllBytes(gz);
        z[z.length / 2] ^= 0x10;
        Result r = Programs.program("migrate", "inspect", "--stdin").env("DEBUG_LEVEL", "warn")
                .stdin(new ByteArrayInputStream(z)).go();
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals(1, r.errLines().size(), r.stderr());
        assertTrue(r.stderr().matches("migrate: .* at byte \\d+ \\(compressed input near byte \\d+\\).*\\n"), r.stderr());
    }

    @Test
    void a_truncated_dump_on_stdin_fails_with_exit_1() throws IOException {
        byte[] clean = Files.readAllBytes(plain);
        Result r = Programs.program("migrate", "inspect", "--stdin").env("DEBUG_LEVEL", "warn")
                .stdin(new ByteArrayInputStream(Arrays.copyOf(clean, clean.length - 30))).go();
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals(1, r.errLines().size(), r.stderr());
        assertTrue(r.stderr().startsWith("migrate: truncated at byte " + (clean.length - 30) + ": "), r.stderr());
    }

    @Test
    void input_and_stdin_exclude_each_other_and_one_is_required() {
        for (String[] args : new String[][] {{"inspect"}, {"inspect", "--stdin", "--input=" + plain}}) {
            Result r = migrate(args);
            assertEquals(2, r.exitCode(), r.stderr());
            assertEquals(1, r.errLines().size(), r.stderr());
            assertTrue(r.stderr().contains("--input"), r.stderr());
        }
    }

    @Test
    void help_lists_the_options() {
        Result r = migrate("inspect", "--help");
        assertEquals(0, r.exitCode(), r.stderr());
        for (String opt : new String[] {"--input=FILE", "--stdin", "--json", "byte offset"}) {
            assertTrue(r.out().contains(opt), r.out());
        }
        Result top = migrate("--help");
        assertTrue(top.out().contains("inspect"), top.out());
    }
}
