package org.kgmigration.kopano;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Where the Kopano source is: database connection and attachment storage. Read from the YAML file
 * ({@code config/kgdump.yaml}), then overridden by command-line options; the password comes from
 * {@code KGDUMP_DB_PASSWORD} or from a file named in the YAML, never from the command line.
 *
 * @param dbHost           database host (ignored when {@code dbSocket} is set)
 * @param dbPort           database port
 * @param dbSocket         unix socket path, or null
 * @param dbName           database name (Kopano's {@code mysql_database})
 * @param dbUser           database user
 * @param dbPassword       password, empty for none
 * @param attachmentsDir   Kopano's {@code attachment_path}, or null
 * @param storage          which attachment storage to read
 * @param filesL1          first fan-out level of the {@code files} storage, or null for "from the database / 10"
 * @param filesL2          second fan-out level, or null for "from the database / 20"
 * @param tempDir          directory for spool files, or null for the system temporary directory
 */
public record SourceConfig(String dbHost, int dbPort, String dbSocket, String dbName, String dbUser,
                           String dbPassword, Path attachmentsDir, Storage storage, Integer filesL1,
                           Integer filesL2, Path tempDir) {

    /** The attachment storage setting: {@code auto} follows the database's {@code settings.attachment_storage}. */
    public enum Storage {
        AUTO, FILES, FILES_V2, DATABASE;

        public static Storage parse(String s) {
            String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "auto" -> AUTO;
                case "files", "files_v1" -> FILES;
                case "files_v2" -> FILES_V2;
                case "database" -> DATABASE;
                default -> throw new SourceException("attachment storage '" + s
                        + "' is not one of auto, files, files_v2, database");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Command-line values that override the file; null = not given. */
    public record Overrides(String dbHost, Integer dbPort, String dbSocket, String dbName, String dbUser,
                            Path attachmentsDir, String storage, Integer filesL1, Integer filesL2, Path tempDir) {
        public static Overrides none() {
            return new Overrides(null, null, null, null, null, null, null, null, null, null);
        }
    }

    public static final String DEFAULT_FILE = "config/kgdump.yaml";
    private static final Set<String> TOP_KEYS = Set.of("database", "attachments", "tempDir");
    private static final Set<String> DB_KEYS = Set.of("host", "port", "socket", "name", "user", "passwordFile");
    private static final Set<String> ATT_KEYS = Set.of("dir", "storage", "filesL1", "filesL2");

    /** Every key the settings file may hold, dotted (the documentation is checked against this). */
    public static java.util.SortedSet<String> knownKeys() {
        java.util.SortedSet<String> keys = new java.util.TreeSet<>();
        keys.add("tempDir");
        DB_KEYS.forEach(k -> keys.add("database." + k));
        ATT_KEYS.forEach(k -> keys.add("attachments." + k));
        return keys;
    }

    public SourceConfig {
        if (dbPort <= 0 || dbPort > 65535) {
            throw new SourceException("database port " + dbPort + " is not a port number");
        }
        if (filesL1 != null && filesL1 <= 0 || filesL2 != null && filesL2 <= 0) {
            throw new SourceException("the files storage fan-out levels must be positive numbers");
        }
    }

    /** Defaults of a standard Kopano installation. */
    public static SourceConfig defaults() {
        return new SourceConfig("localhost", 3306, null, "kopano", "kopano", "",
                Path.of("/var/lib/kopano/attachments"), Storage.AUTO, null, null, null);
    }

    /** Human-readable location of the database, for messages. */
    public String dbLabel() {
        return "'" + dbName + "' at " + (dbSocket != null ? "socket " + dbSocket : dbHost + ":" + dbPort);
    }

    /**
     * Loads the settings.
     *
     * @param file      the YAML file given with --config or KGDUMP_CONFIG, or null for the default
     *                  {@value #DEFAULT_FILE} (which may be absent: then the built-in defaults apply)
     * @param env       the environment (for KGDUMP_DB_PASSWORD)
     * @param overrides command-line values
     */
    public static SourceConfig load(Path file, Map<String, String> env, Overrides overrides) {
        boolean explicit = file != null;
        Path f = explicit ? file : Path.of(DEFAULT_FILE);
        Map<String, Object> yaml = Map.of();
        if (Files.exists(f)) {
            yaml = readYaml(f);
        } else if (explicit) {
            throw new SourceException("configuration file " + f + " does not exist");
        }
        SourceConfig d = defaults();
        Map<String, Object> db = section(yaml, "database", DB_KEYS, f);
        Map<String, Object> att = section(yaml, "attachments", ATT_KEYS, f);
        for (String k : yaml.keySet()) {
            if (!TOP_KEYS.contains(k)) {
                throw new SourceException(f + ": unknown setting '" + k + "' (known: " + String.join(", ", TOP_KEYS) + ")");
            }
        }
        String host = pick(overrides.dbHost(), str(db, "host", f), d.dbHost());
        Integer port = pick(overrides.dbPort(), integer(db, "port", f), d.dbPort());
        String socket = pick(overrides.dbSocket(), str(db, "socket", f), null);
        String name = pick(overrides.dbName(), str(db, "name", f), d.dbName());
        String user = pick(overrides.dbUser(), str(db, "user", f), d.dbUser());
        String password = env.get("KGDUMP_DB_PASSWORD");
        if (password == null) {
            String pf = str(db, "passwordFile", f);
            password = pf == null ? "" : readPasswordFile(resolve(f, pf));
        }
        String dirS = str(att, "dir", f);
        Path dir = pick(overrides.attachmentsDir(), dirS == null ? null : resolve(f, dirS), d.attachmentsDir());
        Storage storage = Storage.parse(pick(overrides.storage(), str(att, "storage", f), "auto"));
        Integer l1 = pick(overrides.filesL1(), integer(att, "filesL1", f), null);
        Integer l2 = pick(overrides.filesL2(), integer(att, "filesL2", f), null);
        Object tmp = yaml.get("tempDir");
        Path tempDir = pick(overrides.tempDir(), tmp == null ? null : resolve(f, String.valueOf(tmp)), null);
        if (socket != null && socket.isBlank()) {
            socket = null;
        }
        return new SourceConfig(host, port, socket, name, user, password, dir, storage, l1, l2, tempDir);
    }

    @SafeVarargs
    private static <T> T pick(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static Path resolve(Path configFile, String p) {
        Path path = Path.of(p);
        if (path.isAbsolute()) {
            return path;
        }
        Path parent = configFile.toAbsolutePath().getParent();
        return parent == null ? path : parent.resolve(path).normalize();
    }

    private static String readPasswordFile(Path p) {
        try {
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0);
        } catch (IOException e) {
            throw new SourceException("cannot read the database password file " + p + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> readYaml(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            if (o == null) {
                return Map.of();
            }
            if (!(o instanceof Map<?, ?> m)) {
                throw new SourceException(f + ": expected a YAML mapping (database:, attachments:, tempDir:)");
            }
            return stringKeys(m, f);
        } catch (IOException e) {
            throw new SourceException("cannot read configuration file " + f + ": " + e.getMessage(), e);
        } catch (YAMLException e) {
            throw new SourceException(f + " is not valid YAML: " + e.getMessage().replace('\n', ' '), e);
        }
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m, Path f) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static Map<String, Object> section(Map<String, Object> yaml, String key, Set<String> known, Path f) {
        Object o = yaml.get(key);
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw new SourceException(f + ": '" + key + "' must be a mapping");
        }
        Map<String, Object> s = stringKeys(m, f);
        List<String> unknown = new ArrayList<>();
        for (String k : s.keySet()) {
            if (!known.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new SourceException(f + ": unknown setting " + key + "." + unknown.get(0) + " (known: "
                    + String.join(", ", known.stream().sorted().toList()) + ")");
        }
        return s;
    }

    private static String str(Map<String, Object> s, String key, Path f) {
        Object v = s.get(key);
        return v == null ? null : String.valueOf(v);
    }

    private static Integer integer(Map<String, Object> s, String key, Path f) {
        Object v = s.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer i) {
            return i;
        }
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new SourceException(f + ": " + key + " must be a number, not '" + v + "'");
        }
    }
}
