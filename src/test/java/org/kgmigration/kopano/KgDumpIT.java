package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kgmigration.stream.DumpReader;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.DumpValidator;
import org.kgmigration.testsupport.Programs;
import org.kgmigration.testsupport.Programs.Result;
import org.kgmigration.testsupport.RealDataset;
import org.kgmigration.testsupport.TestDatabase;

/** bin/kgdump as an administrator runs it, on the restored real datasets. */
class KgDumpIT {
    private static final Path CWD = Programs.tempDir("kgdump-it");

    static List<String> source(RealDataset ds) {
        return source(ds.db().name(), ds.attachmentsDir());
    }

    static List<String> source(String db, Path att) {
        List<String> a = new ArrayList<>(List.of("--db-host", TestDatabase.host(), "--db-port",
                Integer.toString(TestDatabase.port()), "--db-user", TestDatabase.user(), "--db-name", db));
        if (att != null) {
            a.add("--attachments-dir");
            a.add(att.toString());
        }
        return a;
    }

    static Programs.Run kgdump(List<String> args) {
        return Programs.program("kgdump", args).env("KGDUMP_DB_PASSWORD", TestDatabase.password()).cwd(CWD);
    }

    static List<String> args(String... a) {
        return new ArrayList<>(List.of(a));
    }

    static DumpTree read(InputStream in) throws Exception {
        DumpTree t = new DumpTree();
        try (DumpReader r = new DumpReader(in)) {
            DumpValidator v = new DumpValidator(r);
            DumpRecord rec;
            while ((rec = v.next()) != null) {
                t.write(rec);
            }
            assertTrue(v.complete());
        }
        return t;
    }

    /** The lines of stderr that are not log lines (timestamped) and not progress lines. */
    static List<String> messages(Result r) {
        return r.errLines().stream().filter(l -> !l.matches("^\\d{4}-\\d\\d-\\d\\d .*") && !l.isBlank()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void stores_json_lists_every_store_with_owner_and_counts(String name) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        List<String> a = args("stores", "--json");
        a.addAll(source(ds));
        Result r = kgdump(a).go();
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode arr = new ObjectMapper().readTree(r.stdout());
        assertEquals(ds.manifest().path("db").path("stores").size(), arr.size());
        Map<String, JsonNode> byGuid = new HashMap<>();
        arr.forEach(s -> byGuid.put(s.path("guid").asText(), s));
        for (JsonNode s : ds.manifest().path("db").path("stores")) {
            JsonNode j = byGuid.get(s.path("guid").asText().toLowerCase(Locale.ROOT));
            assertTrue(j.path("guid").asText().matches("[0-9a-f]{32}"));
            assertEquals(s.path("type").asInt() == 1 ? "public" : "private", j.path("type").asText());
            assertEquals(s.path("user_name").asText(), j.path("owner").path("lastOwnerName").asText());
            assertEquals(s.path("user_id").asInt() == 2, j.path("system").asBoolean());
            assertTrue(j.path("messages").isIntegralNumber());
        }
        // per user: login, e-mail and the message counts Kopano itself reported
        DumpTree t = RealDataDumpTest.defaultDump(name);
        for (var e : ds.manifest().path("kopano_view").properties()) {
            JsonNode j = byGuid.get(e.getValue().path("guid").asText().toLowerCase(Locale.ROOT));
            if (!e.getKey().equals("public")) {
                assertEquals(e.getValue().path("user").path("name").asText(), j.path("owner").path("login").asText());
                assertEquals(e.getValue().path("user").path("email").asText(), j.path("owner").path("email").asText());
            }
            long count = 0;
            long assoc = 0;
            for (JsonNode f : e.getValue().path("folders")) {
                count += f.path("count").asLong();
                assoc += f.path("assoc").asLong();
            }
            assertEquals(count, j.path("messages").asLong(), e.getKey());
            assertEquals(assoc, j.path("associated").asLong(), e.getKey());
            DumpTree.StoreT st = t.store(j.path("guid").asText());
            assertEquals(st.end.totals().folders(), j.path("folders").asLong());
        }
        a = args("stores");
        a.addAll(source(ds));
        Result table = kgdump(a).go();
        assertEquals(0, table.exitCode(), table.stderr());
        assertTrue(table.out().startsWith("GUID "), table.out());
        byGuid.keySet().forEach(g -> assertTrue(table.out().contains(g)));
    }

    @Test
    void dump_to_a_file_is_the_dump_the_reader_produces() throws Exception {
        RealDataset ds = Dumps.dataset(RealDataset.FILES_V2_DE);
        Path out = Programs.tempDir("kgdump-out").resolve("kgdump-test.d1");
        List<String> a = args("dump", "--output=" + out, "--progress=lines", "--progress-interval=1");
        a.addAll(source(ds));
        Result r = kgdump(a).go();
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(0, r.stdout().length, "nothing on stdout with --output");
        assertFalse(Files.exists(out.resolveSibling("kgdump-test.d1.part")));
        DumpTree t;
        try (InputStream in = Files.newInputStream(out)) {
            t = read(in);
        }
        assertEquals(RealDataDumpTest.defaultDump(RealDataset.FILES_V2_DE).digest(), t.digest());
        MapiCompare c = new MapiCompare(t);
        c.compareAll(ds.mapiProps());
        assertTrue(c.differences.isEmpty(), String.join("\n", c.differences));
        String summary = messages(r).stream().filter(l -> l.startsWith("kgdump: wrote")).findFirst().orElse("");
        assertTrue(summary.contains("5 stores, 107 folders, 77 messages and 4 associated, 25 attachments"), r.stderr());
        assertTrue(r.stderr().contains("kgdump: skipped as asked: "), r.stderr());
        assertTrue(r.stderr().contains("3 × soft-deleted message"), r.stderr());
        // the same file again: refused, the first one stays
        Result again = kgdump(a).go();
        assertEquals(2, again.exitCode());
        assertTrue(again.stderr().contains("already exists"), again.stderr());
        assertTrue(Files.size(out) > 9_000_000);
    }

    @Test
    void concurrency_4_writes_the_same_dump_as_concurrency_1_and_leaves_no_spool() throws Exception {
        RealDataset ds = Dumps.dataset(RealDataset.DATABASE_LOB);
        Path tmp = Programs.tempDir("kgdump-spool");
        List<String> a = args("dump", "--stdout", "--concurrency", "4", "--temp-dir", tmp.toString(), "--compress");
        a.addAll(source(ds));
        Result r4 = kgdump(a).go();
        assertEquals(0, r4.exitCode(), r4.stderr());
        a = args("dump", "--stdout", "--concurrency", "1");
        a.addAll(source(ds));
        Result r1 = kgdump(a).go();
        assertEquals(0, r1.exitCode(), r1.stderr());
        DumpTree t4 = read(new ByteArrayInputStream(r4.stdout()));
        DumpTree t1 = read(new ByteArrayInputStream(r1.stdout()));
        assertEquals(t1.digest(), t4.digest());
        assertEquals(RealDataDumpTest.defaultDump(RealDataset.DATABASE_LOB).digest(), t1.digest());
        assertEquals(4L, ((Number) t4.header.options().get("concurrency")).longValue());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count(), "spool directory removed");
        }
    }

    @Test
    void stdout_carries_only_the_stream_even_with_debug_logging() throws Exception {
        RealDataset ds = Dumps.dataset(RealDataset.DATABASE_LOB);
        List<String> a = args("dump", "--stdout", "--user", "hugo@example.net", "--include-soft-deleted");
        a.addAll(source(ds));
        Result r = kgdump(a).env("DEBUG_LEVEL", "debug").go();
        assertEquals(0, r.exitCode(), r.stderr());
        byte[] sig = org.kgmigration.stream.DumpFormat.SIGNATURE_TEXT.getBytes(StandardCharsets.US_ASCII);
        assertEquals((byte) 0xD9, r.stdout()[0]);
        assertEquals((byte) 0xD9, r.stdout()[1]);
        assertEquals(new String(sig, StandardCharsets.US_ASCII), new String(r.stdout(), 5, sig.length, StandardCharsets.US_ASCII));
        DumpTree t = read(new ByteArrayInputStream(r.stdout()));
        assertEquals(1, t.stores.size());
        assertEquals("hugo@example.net", t.stores.get(0).rec.owner().loginName());
        assertEquals(Boolean.TRUE, t.header.options().get("includeSoftDeleted"));
        assertTrue(r.stderr().contains("Apache Camel"), r.stderr());
        assertTrue(r.stderr().contains(" DEBUG "), r.stderr());
    }

    /** Errors: exit code, and exactly one line that is not a log line. */
    private static String fails(int exit, Result r) {
        assertEquals(exit, r.exitCode(), r.stderr());
        List<String> m = messages(r);
        assertEquals(1, m.size(), r.stderr());
        assertTrue(m.get(0).startsWith("kgdump: "), m.get(0));
        assertEquals(0, r.stdout().length);
        return m.get(0);
    }

    @Test
    void every_source_error_is_one_clear_line() throws Exception {
        Path out = Programs.tempDir("kgdump-err").resolve("x.d1");
        // unreachable: a closed port
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String m = fails(1, kgdump(args("dump", "--output=" + out, "--db-host", "127.0.0.1", "--db-port",
                Integer.toString(port), "--db-name", "kopano")).go());
        assertTrue(m.contains("cannot connect to the database server at 127.0.0.1:" + port), m);
        // not Kopano: an empty database
        try (TestDatabase empty = TestDatabase.create("notkopano")) {
            List<String> a = args("dump", "--output=" + out);
            a.addAll(source(empty.name(), null));
            m = fails(1, kgdump(a).go());
            assertTrue(m.contains("is not a Kopano database"), m);
            // wrong password of a real user
            String user = "kgt_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
            try (Connection root = DriverManager.getConnection(TestDatabase.serverUrl(), TestDatabase.user(),
                    TestDatabase.password())) {
                EdgeCasesTest.sql(root, "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'right-pw'",
                        "GRANT SELECT ON `" + empty.name() + "`.* TO '" + user + "'@'%'");
                try {
                    List<String> b = args("stores", "--db-host", TestDatabase.host(), "--db-port",
                            Integer.toString(TestDatabase.port()), "--db-user", user, "--db-name", empty.name());
                    m = fails(1, Programs.program("kgdump", b).env("KGDUMP_DB_PASSWORD", "wrong-pw").cwd(CWD).go());
                    assertTrue(m.contains("access denied") && m.contains(user) && !m.contains("wrong-pw"), m);
                } finally {
                    EdgeCasesTest.sql(root, "DROP USER '" + user + "'@'%'");
                }
            }
        }
        // schema revision below 63
        try (RealDataset old = RealDataset.load(RealDataset.DATABASE_LOB); Connection c = old.db().connect()) {
            EdgeCasesTest.sql(c, "UPDATE versions SET databaserevision = 61");
            List<String> a = args("dump", "--output=" + out);
            a.addAll(source(old));
            m = fails(1, kgdump(a).go());
            assertTrue(m.contains("schema revision 61; kgdump needs revision 63"), m);
        }
        RealDataset ds = Dumps.dataset(RealDataset.FILES_V2_DE);
        // attachment directory missing
        List<String> a = args("dump", "--output=" + out);
        a.addAll(source(ds.db().name(), ds.attachmentsDir().resolve("missing")));
        m = fails(1, kgdump(a).go());
        assertTrue(m.contains("attachment directory") && m.contains("does not exist"), m);
        // unknown selectors list what exists
        a = args("dump", "--output=" + out, "--user", "nobody@example.net");
        a.addAll(source(ds));
        m = fails(2, kgdump(a).go());
        assertTrue(m.contains("no store matches --user nobody@example.net; users with a store: "), m);
        assertTrue(m.contains("dora@beispiel.de") && m.contains("frieda <frieda@beispiel.de>"), m);
        a = args("dump", "--output=" + out, "--store", "00112233445566778899aabbccddeeff");
        a.addAll(source(ds));
        m = fails(2, kgdump(a).go());
        assertTrue(m.contains("no store matches --store 00112233445566778899aabbccddeeff; stores: "), m);
        assertTrue(m.contains("d522f90309d94872be3832e8afb0e5d3 (private, dora@beispiel.de)"), m);
        // output not writable: its directory is a file
        Path file = Files.writeString(out.resolveSibling("plainfile"), "x");
        a = args("dump", "--output=" + file.resolve("x.d1"));
        a.addAll(source(ds));
        m = fails(1, kgdump(a).go());
        assertTrue(m.contains("cannot write " + file.resolve("x.d1")), m);
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(out.resolveSibling("x.d1.part")));
    }

    @Test
    void a_full_disk_ends_the_run_with_one_line_and_no_partial_file() throws Exception {
        RealDataset ds = Dumps.dataset(RealDataset.FILES_V2_DE);
        List<String> a = args("dump", "--stdout");
        a.addAll(source(ds));
        Result r = kgdump(a).stdoutTo(Path.of("/dev/full")).go();
        assertEquals(1, r.exitCode(), r.stderr());
        List<String> m = messages(r);
        assertEquals(1, m.size(), r.stderr());
        assertTrue(m.get(0).contains("writing the dump to standard output failed: No space left on device"), m.get(0));
    }

    @Test
    void ctrl_c_removes_the_spool_files() throws Exception {
        RealDataset ds = Dumps.dataset(RealDataset.FILES_V2_DE);
        Path tmp = Programs.tempDir("kgdump-int");
        List<String> cmd = new ArrayList<>(List.of(Programs.projectDir().resolve("bin/kgdump").toString(), "dump",
                "--stdout", "--concurrency", "4", "--temp-dir", tmp.toString(), "--progress=none"));
        cmd.addAll(source(ds));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(CWD.toFile())
                .redirectError(CWD.resolve("int.err").toFile());
        pb.environment().put("KGDUMP_DB_PASSWORD", TestDatabase.password());
        Process p = pb.start(); // stdout is never read: the writer blocks while the folder spools wait
        try {
            long until = System.currentTimeMillis() + 120_000;
            boolean spooled = false;
            while (!spooled && System.currentTimeMillis() < until && p.isAlive()) {
                try (Stream<Path> s = Files.walk(tmp)) {
                    spooled = s.anyMatch(f -> f.getFileName().toString().endsWith(".spool"));
                }
                Thread.sleep(100);
            }
            assertTrue(spooled, Files.readString(CWD.resolve("int.err")));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(130, p.exitValue());
            try (Stream<Path> s = Files.list(tmp)) {
                assertEquals(List.of(), s.toList(), "spool directory removed on Ctrl-C");
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
