package org.kgmigration.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kgmigration.error.UsageException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The settings of {@code migrate import}: the {@code IMPORTER_CONFIG} YAML file (documented in
 * config/migrate.yaml) with the command-line overrides applied on top. Unknown keys are an error
 * that names the key, so a typo never silently falls back to a default.
 */
public final class MigrateConfig {
    /** What to do with a store that has no target user. */
    public enum Unmapped { ERROR, SKIP }

    // mapping
    public String defaultDomain;
    public boolean useSourceNames = true;
    public final Map<String, String> map = new LinkedHashMap<>();
    public Path mapFile;
    public Unmapped unmapped = Unmapped.ERROR;
    // tls
    public Path caFile;
    public Path trustStore;
    public String trustStorePasswordEnv;
    public String trustStoreType;
    public Path clientCert;
    public Path clientKey;
    public boolean insecure;
    // classes
    public List<String> classWhitelist;
    // delivery
    public int concurrency = 4;
    public int batchSize = 200;
    public long maxBatchBytes = 8L << 20;
    /** Largest attachment sent inline in its message (import API 1.1); 0 = never. */
    public long inlineMaxBytes = 256L << 10;
    public int retriesMax = 5;
    public long retryInitialDelayMs = 1000;
    public long retryMaxDelayMs = 30_000;
    public int connectTimeoutS = 15;
    public int readTimeoutS = 300;
    // token and journal
    public String token;
    public Path tokenFile;
    public Path journal;
    public Path spoolDir;

    private static final Set<String> TOP = Set.of("mapping", "tls", "classes", "delivery", "token", "token_file",
            "journal", "spool_dir");
    private static final Set<String> MAPPING = Set.of("default_domain", "use_source_names", "map", "map_file", "unmapped");
    private static final Set<String> TLS = Set.of("ca_file", "trust_store", "trust_store_password_env",
            "trust_store_type", "client_cert", "client_key");
    private static final Set<String> CLASSES = Set.of("whitelist");
    private static final Set<String> DELIVERY = Set.of("concurrency", "batch_size", "max_batch_bytes", "inline_max_bytes",
            "retries", "connect_timeout_s", "read_timeout_s");
    private static final Set<String> RETRIES = Set.of("max", "initial_delay_ms", "max_delay_ms");

    /** Every key the file may hold, dotted (the documentation is checked against this). */
    public static java.util.SortedSet<String> knownKeys() {
        java.util.SortedSet<String> keys = new java.util.TreeSet<>();
        TOP.stream().filter(k -> !Set.of("mapping", "tls", "classes", "delivery").contains(k)).forEach(keys::add);
        MAPPING.forEach(k -> keys.add("mapping." + k));
        TLS.forEach(k -> keys.add("tls." + k));
        CLASSES.forEach(k -> keys.add("classes." + k));
        DELIVERY.stream().filter(k -> !k.equals("retries")).forEach(k -> keys.add("delivery." + k));
        RETRIES.forEach(k -> keys.add("delivery.retries." + k));
        return keys;
    }

    /** Defaults only (no file). */
    public static MigrateConfig defaults() {
        return new MigrateConfig();
    }

    /**
     * Reads {@code file}; relative paths in it are resolved against the file's directory.
     *
     * @throws UsageException a missing or unreadable file, bad YAML, an unknown key or a bad value
     */
    public static MigrateConfig load(Path file) {
        Object root;
        try (InputStream in = Files.newInputStream(file)) {
            LoaderOptions lo = new LoaderOptions();
            lo.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(lo)).load(in);
        } catch (NoSuchFileException e) {
            throw new UsageException("IMPORTER_CONFIG " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("IMPORTER_CONFIG " + file + ": cannot read: " + e.getMessage());
        } catch (YAMLException e) {
            throw new UsageException(file + ": not valid YAML: " + e.getMessage().replaceAll("\\s+", " ").trim());
        }
        MigrateConfig c = new MigrateConfig();
        if (root == null) {
            return c;
        }
        Path base = file.toAbsolutePath().getParent();
        Section top = new Section(file, "", root, TOP);
        Section m = top.section("mapping", MAPPING);
        if (m != null) {
            c.defaultDomain = m.string("default_domain");
            Boolean b = m.bool("use_source_names");
            if (b != null) {
                c.useSourceNames = b;
            }
            Object mp = m.raw("map");
            if (mp != null) {
                if (!(mp instanceof Map<?, ?> mm)) {
                    throw m.error("map", "must be a mapping 'source: target@domain'");
                }
                mm.forEach((k, v) -> {
                    if (k == null || v == null || v instanceof Map || v instanceof List) {
                        throw m.error("map", "entry '" + k + "' must be 'source: target@domain'");
                    }
                    c.map.put(String.valueOf(k), String.valueOf(v));
                });
            }
            c.mapFile = m.path("map_file", base);
            String u = m.string("unmapped");
            if (u != null) {
                c.unmapped = switch (u.toLowerCase(java.util.Locale.ROOT)) {
                    case "error" -> Unmapped.ERROR;
                    case "skip" -> Unmapped.SKIP;
                    default -> throw m.error("unmapped", "must be 'error' or 'skip', not '" + u + "'");
                };
            }
        }
        Section t = top.section("tls", TLS);
        if (t != null) {
            c.caFile = t.path("ca_file", base);
            c.trustStore = t.path("trust_store", base);
            c.trustStorePasswordEnv = t.string("trust_store_password_env");
            c.trustStoreType = t.string("trust_store_type");
            c.clientCert = t.path("client_cert", base);
            c.clientKey = t.path("client_key", base);
        }
        Section cl = top.section("classes", CLASSES);
        if (cl != null) {
            c.classWhitelist = cl.list("whitelist");
        }
        Section d = top.section("delivery", DELIVERY);
        if (d != null) {
            c.concurrency = d.integer("concurrency", c.concurrency, 1, 64);
            c.batchSize = d.integer("batch_size", c.batchSize, 1, 100_000);
            Long mb = d.size("max_batch_bytes");
            if (mb != null) {
                c.maxBatchBytes = mb;
            }
            Object inl = d.raw("inline_max_bytes");
            if (inl != null) {
                String v = String.valueOf(inl).trim();
                c.inlineMaxBytes = v.equals("0") ? 0 : d.size("inline_max_bytes");
            }
            c.connectTimeoutS = d.integer("connect_timeout_s", c.connectTimeoutS, 1, 3600);
            c.readTimeoutS = d.integer("read_timeout_s", c.readTimeoutS, 1, 86_400);
            Section r = d.section("retries", RETRIES);
            if (r != null) {
                c.retriesMax = r.integer("max", c.retriesMax, 0, 1000);
                c.retryInitialDelayMs = r.integer("initial_delay_ms", (int) c.retryInitialDelayMs, 0, 3_600_000);
                c.retryMaxDelayMs = r.integer("max_delay_ms", (int) c.retryMaxDelayMs, 0, 3_600_000);
            }
        }
        c.token = top.string("token");
        c.tokenFile = top.path("token_file", base);
        c.journal = top.path("journal", base);
        c.spoolDir = top.path("spool_dir", base);
        return c;
    }

    /** The user mapping these settings describe (explicit entries: map_file first, then map). */
    public UserMapping userMapping() {
        Map<String, String> all = new LinkedHashMap<>();
        if (mapFile != null) {
            all.putAll(UserMapping.readCsv(mapFile));
        }
        all.putAll(map);
        return new UserMapping(all, defaultDomain, useSourceNames);
    }

    /** The shared-secret token: {@code IMPORTER_TOKEN}, else token_file, else token; may be null. */
    public String resolveToken(Map<String, String> env) {
        String e = env.get("IMPORTER_TOKEN");
        if (e != null && !e.isBlank()) {
            return e.trim();
        }
        if (tokenFile != null) {
            try {
                String s = Files.readString(tokenFile).trim();
                if (s.isEmpty()) {
                    throw new UsageException("token_file " + tokenFile + " is empty");
                }
                return s;
            } catch (IOException ex) {
                throw new UsageException("cannot read token_file " + tokenFile + ": " + ex.getMessage());
            }
        }
        return token == null || token.isBlank() ? null : token.trim();
    }

    /** Checks values that depend on each other. */
    public void validate() {
        if (retryMaxDelayMs < retryInitialDelayMs) {
            throw new UsageException("delivery.retries.max_delay_ms (" + retryMaxDelayMs
                    + ") is smaller than initial_delay_ms (" + retryInitialDelayMs + ")");
        }
        if ((clientCert == null) != (clientKey == null)) {
            throw new UsageException("tls.client_cert and tls.client_key go together: set both or neither");
        }
        if (maxBatchBytes < 1024) {
            throw new UsageException("delivery.max_batch_bytes must be at least 1K");
        }
    }

    /** Parses sizes such as {@code 8M}, {@code 512K}, {@code 1G} or plain bytes. */
    public static long parseSize(String s) {
        String t = s.trim().toUpperCase(java.util.Locale.ROOT);
        long mul = 1;
        if (t.endsWith("B") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("K")) {
            mul = 1L << 10;
        } else if (t.endsWith("M")) {
            mul = 1L << 20;
        } else if (t.endsWith("G")) {
            mul = 1L << 30;
        }
        if (mul > 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t.trim());
            if (v <= 0) {
                throw new IllegalArgumentException("must be positive");
            }
            return Math.multiplyExact(v, mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("is not a size such as 8M, 512K or 1048576");
        }
    }

    /** One mapping level of the file, with errors naming the full key. */
    private static final class Section {
        final Path file;
        final String prefix;
        final Map<?, ?> m;

        Section(Path file, String prefix, Object node, Set<String> keys) {
            this.file = file;
            this.prefix = prefix;
            if (!(node instanceof Map<?, ?> mm)) {
                throw new UsageException(file + ": " + (prefix.isEmpty() ? "the file" : prefix.substring(0, prefix.length() - 1))
                        + " must be a mapping");
            }
            for (Object k : mm.keySet()) {
                if (!keys.contains(String.valueOf(k))) {
                    throw new UsageException(file + ": unknown key '" + prefix + k + "' (known here: "
                            + String.join(", ", new java.util.TreeSet<>(keys)) + ")");
                }
            }
            this.m = mm;
        }

        UsageException error(String key, String what) {
            return new UsageException(file + ": " + prefix + key + " " + what);
        }

        Object raw(String key) {
            return m.get(key);
        }

        Section section(String key, Set<String> keys) {
            Object v = m.get(key);
            return v == null ? null : new Section(file, prefix + key + ".", v, keys);
        }

        String string(String key) {
            Object v = m.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof Map || v instanceof List) {
                throw error(key, "must be a single value");
            }
            String s = String.valueOf(v).trim();
            return s.isEmpty() ? null : s;
        }

        Path path(String key, Path base) {
            String s = string(key);
            if (s == null) {
                return null;
            }
            Path p = Path.of(s);
            return p.isAbsolute() || base == null ? p : base.resolve(p);
        }

        Boolean bool(String key) {
            Object v = m.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw error(key, "must be true or false, not '" + v + "'");
        }

        int integer(String key, int dflt, int min, int max) {
            Object v = m.get(key);
            if (v == null) {
                return dflt;
            }
            if (!(v instanceof Integer i) || i < min || i > max) {
                throw error(key, "must be a whole number from " + min + " to " + max + ", not '" + v + "'");
            }
            return i;
        }

        Long size(String key) {
            Object v = m.get(key);
            if (v == null) {
                return null;
            }
            try {
                return parseSize(String.valueOf(v));
            } catch (IllegalArgumentException e) {
                throw error(key, "'" + v + "' " + e.getMessage());
            }
        }

        List<String> list(String key) {
            Object v = m.get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof List<?> l)) {
                throw error(key, "must be a list (one '- entry' per line)");
            }
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                if (o == null || o instanceof Map || o instanceof List || String.valueOf(o).isBlank()) {
                    throw error(key, "has an entry that is not a message class: " + o);
                }
                out.add(String.valueOf(o).trim());
            }
            return List.copyOf(out);
        }
    }
}
