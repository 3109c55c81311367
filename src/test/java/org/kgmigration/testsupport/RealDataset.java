package org.kgmigration.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.HexFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * One of the real Kopano 11 datasets in {@code ../shared/fixtures/kopano-real/}, restored into a fresh
 * test database (from its mysqldump) with its attachment directory unpacked into a temporary folder.
 * Close it to drop the database and delete the files.
 */
public final class RealDataset implements AutoCloseable {
    public static final String FILES_V2_DE = "files_v2-de";
    public static final String DATABASE_LOB = "database-lob";

    private final String name;
    private final TestDatabase db;
    private final Path attachmentsDir;
    private final JsonNode manifest;

    private RealDataset(String name, TestDatabase db, Path attachmentsDir, JsonNode manifest) {
        this.name = name;
        this.db = db;
        this.attachmentsDir = attachmentsDir;
        this.manifest = manifest;
    }

    /** The folder of all real datasets. */
    public static Path root() {
        return Path.of(System.getProperty("kgm.shared.dir", "../shared")).resolve("fixtures/kopano-real")
                .toAbsolutePath().normalize();
    }

    public static Path dir(String name) {
        return root().resolve(name);
    }

    /** Restores dataset {@code name} ({@link #FILES_V2_DE} or {@link #DATABASE_LOB}). */
    public static RealDataset load(String name) throws IOException, SQLException {
        Path dir = dir(name);
        if (!Files.isDirectory(dir)) {
            throw new IOException("real dataset not found: " + dir);
        }
        TestDatabase db = TestDatabase.create(name.replace('-', '_'));
        try {
            try (Connection c = db.connect()) {
                restore(c, dir.resolve("kopano.sql.gz"));
            }
            Path att = Files.createTempDirectory("kgm-att-" + name);
            untar(dir.resolve("attachments.tar.gz"), att);
            JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
            return new RealDataset(name, db, att, manifest);
        } catch (IOException | SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Replays a mysqldump file statement by statement over JDBC. Stored routines (the DELIMITER ;;
     * sections) are skipped: they only wrap queries on the tables and no reader needs them.
     * mysqldump writes binary columns as raw bytes inside quoted literals; {@link #toJdbcSql}
     * turns those into hex literals so that no byte is altered by character-set conversion.
     */
    static void restore(Connection c, Path sqlGz) throws IOException, SQLException {
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(sqlGz), 1 << 16));
             Statement s = c.createStatement()) {
            ByteArrayOutputStream stmt = new ByteArrayOutputStream();
            boolean inRoutine = false;
            byte[] line;
            while ((line = readLine(in)) != null) {
                String head = new String(line, 0, Math.min(line.length, 16), StandardCharsets.ISO_8859_1);
                if (head.startsWith("DELIMITER ")) {
                    inRoutine = new String(line, StandardCharsets.ISO_8859_1).trim().equals("DELIMITER ;;");
                    continue;
                }
                if (inRoutine || head.startsWith("/*M!999999")
                        || (stmt.size() == 0 && (line.length == 0 || head.startsWith("--")))) {
                    continue;
                }
                stmt.write(line);
                stmt.write('\n');
                // mysqldump escapes newlines inside values, so a statement ends where a line ends in ';'
                if (line.length > 0 && line[line.length - 1] == ';') {
                    String sql = toJdbcSql(stmt.toByteArray());
                    try {
                        s.execute(sql);
                    } catch (SQLException e) {
                        throw new SQLException(e.getMessage() + " in: " + sql.substring(0, Math.min(200, sql.length())), e);
                    }
                    stmt.reset();
                }
            }
            if (stmt.size() > 0 && !stmt.toString(StandardCharsets.ISO_8859_1).isBlank()) {
                throw new IOException("truncated SQL dump " + sqlGz);
            }
        }
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        int ch;
        while ((ch = in.read()) != -1 && ch != '\n') {
            b.write(ch);
        }
        return ch == -1 && b.size() == 0 ? null : b.toByteArray();
    }

    /**
     * Rewrites every single-quoted literal whose unescaped bytes are not valid UTF-8 as a hex
     * literal ({@code X'..'}); everything else is kept as it is.
     */
    static String toJdbcSql(byte[] sql) {
        StringBuilder out = new StringBuilder(sql.length + 64);
        int i = 0;
        int plainStart = 0;
        while (i < sql.length) {
            if (sql[i] != '\'') {
                i++;
                continue;
            }
            out.append(new String(sql, plainStart, i - plainStart, StandardCharsets.UTF_8));
            int litStart = i;
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            i++;
            while (sql[i] != '\'') {
                byte b = sql[i++];
                if (b == '\\') {
                    byte e = sql[i++];
                    raw.write(switch (e) {
                        case '0' -> 0;
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        case 'b' -> '\b';
                        case 'Z' -> 26;
                        default -> e;
                    });
                } else {
                    raw.write(b);
                }
            }
            i++;
            byte[] value = raw.toByteArray();
            if (isUtf8(value)) {
                out.append(new String(sql, litStart, i - litStart, StandardCharsets.UTF_8));
            } else {
                out.append("X'").append(HexFormat.of().formatHex(value)).append('\'');
            }
            plainStart = i;
        }
        out.append(new String(sql, plainStart, sql.length - plainStart, StandardCharsets.UTF_8));
        return out.toString();
    }

    private static boolean isUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    static void untar(Path tarGz, Path into) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tar", "-xzf", tarGz.toString(), "-C", into.toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("tar failed on " + tarGz + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public String name() {
        return name;
    }

    public TestDatabase db() {
        return db;
    }

    /** The unpacked attachment_path directory (empty for the database-storage dataset). */
    public Path attachmentsDir() {
        return attachmentsDir;
    }

    /** manifest.json of the dataset: the answer key. */
    public JsonNode manifest() {
        return manifest;
    }

    /** mapi-props.jsonl.gz: every property of every object as Kopano presents it over MAPI. */
    public List<JsonNode> mapiProps() {
        ObjectMapper om = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir(name).resolve("mapi-props.jsonl.gz")));
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(om.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public void close() throws SQLException {
        try {
            db.close();
        } finally {
            deleteTree(attachmentsDir);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
