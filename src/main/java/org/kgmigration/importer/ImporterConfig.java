package org.kgmigration.importer;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The importer's section of the Exchange4all configuration file ({@code /storage/config.yaml}):
 * everything under {@code e4a.adminrpc.importer}. Other sections of the file belong to other parts
 * of Exchange4all and are ignored. Absent keys are null (the command line or the defaults decide).
 *
 * @param file            the file read
 * @param present         false when the file does not exist (the import API is then off)
 * @param ipWhiteLists    {@code ip_white_lists}: trusted addresses and CIDR ranges (empty = off)
 * @param listen          {@code listen}: {@code HOST:PORT} or {@code [IPv6]:PORT}
 * @param tlsCert         {@code tls_cert}: PEM certificate chain
 * @param tlsKey          {@code tls_key}: PEM private key
 * @param tlsClientCa     {@code tls_client_ca}: PEM CA(s); when set, clients need a certificate from it
 * @param tokenFile       {@code token_file}: file holding the shared secret clients must send
 * @param dataDir         {@code data_dir}: the embedded store and the spool directory
 * @param storeUrl        {@code store_url}: JDBC URL of a MariaDB/PostgreSQL store instead of the embedded one
 * @param storeUser       {@code store_user}
 * @param storePasswordFile {@code store_password_file}
 * @param messageClasses  {@code message_classes}: the message-class whitelist (null = the default)
 * @param enforceQuota    {@code enforce_quota}
 * @param maxBatchItems   {@code max_batch_items}
 * @param maxBatchBytes   {@code max_batch_bytes}
 * @param maxBlobBytes    {@code max_blob_bytes}
 * @param maxInlineBlobBytes {@code max_inline_blob_bytes}: largest attachment data accepted inline in a
 *                        message batch (0 = none)
 * @param blobStore       {@code blob_store}: where attachment data goes, {@code files} (data_dir/blobs,
 *                        the default) or {@code database}; null when not set
 */
public record ImporterConfig(Path file, boolean present, List<String> ipWhiteLists, String listen, String tlsCert,
        String tlsKey, String tlsClientCa, String tokenFile, String dataDir, String storeUrl, String storeUser,
        String storePasswordFile, List<String> messageClasses, Boolean enforceQuota, Integer maxBatchItems,
        Long maxBatchBytes, Long maxBlobBytes, Long maxInlineBlobBytes, String blobStore) {

    private static final Logger LOG = LoggerFactory.getLogger(ImporterConfig.class);
    /** Where the keys live in the file. */
    public static final String SECTION = "e4a.adminrpc.importer";
    private static final Set<String> KEYS = Set.of("ip_white_lists", "listen", "tls_cert", "tls_key", "tls_client_ca",
            "token_file", "data_dir", "store_url", "store_user", "store_password_file", "message_classes",
            "enforce_quota", "max_batch_items", "max_batch_bytes", "max_blob_bytes", "max_inline_blob_bytes", "blob_store");
    /** The values of {@code blob_store}. */
    public static final List<String> BLOB_STORES = List.of("files", "database");

    /** Every key of the importer's section (the documentation is checked against this). */
    public static java.util.SortedSet<String> knownKeys() {
        return new java.util.TreeSet<>(KEYS);
    }

    /** Default location of the file. */
    public static final Path DEFAULT_FILE = Path.of("/storage/config.yaml");

    /** The file named by the option, else {@code E4A_CONFIG}, else {@link #DEFAULT_FILE}. */
    public static Path locate(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv("E4A_CONFIG");
        return env != null && !env.isBlank() ? Path.of(env) : DEFAULT_FILE;
    }

    /**
     * Reads the file. A missing file gives an empty configuration ({@link #present()} false).
     *
     * @throws ConfigException when the file cannot be read or a value has the wrong form
     */
    public static ImporterConfig load(Path file) {
        Object root;
        try (InputStream in = Files.newInputStream(file)) {
            LoaderOptions lo = new LoaderOptions();
            lo.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(lo)).load(in);
        } catch (NoSuchFileException e) {
            return new ImporterConfig(file, false, List.of(), null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        } catch (YAMLException e) {
            throw new ConfigException(file + ": not valid YAML: " + oneLine(e.getMessage()));
        }
        Map<?, ?> section = section(file, root);
        for (Object k : section.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                LOG.warn("{}: unknown key {}.{} ignored (known: {})", file, SECTION, k, new java.util.TreeSet<>(KEYS));
            }
        }
        Reader r = new Reader(file, section);
        return new ImporterConfig(file, true, r.list("ip_white_lists", true), r.string("listen"), r.string("tls_cert"),
                r.string("tls_key"), r.string("tls_client_ca"), r.string("token_file"), r.string("data_dir"),
                r.string("store_url"), r.string("store_user"), r.string("store_password_file"),
                r.list("message_classes", false), r.bool("enforce_quota"), r.integer("max_batch_items"),
                r.size("max_batch_bytes"), r.size("max_blob_bytes"), r.sizeOrZero("max_inline_blob_bytes"),
                r.oneOf("blob_store", BLOB_STORES));
    }

    private static Map<?, ?> section(Path file, Object root) {
        Object node = root;
        String path = "";
        for (String part : SECTION.split("\\.")) {
            path = path.isEmpty() ? part : path + "." + part;
            if (node == null) {
                return Map.of();
            }
            if (!(node instanceof Map<?, ?> m)) {
                throw new ConfigException(file + ": " + (path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "the file")
                        + " must be a mapping");
            }
            node = m.get(part);
        }
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map<?, ?> m)) {
            throw new ConfigException(file + ": " + SECTION + " must be a mapping");
        }
        return new LinkedHashMap<>(m);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    /** Typed access to the section's values with errors naming the key. */
    private record Reader(Path file, Map<?, ?> m) {
        String where(String key) {
            return file + ": " + SECTION + "." + key;
        }

        String string(String key) {
            Object v = m.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof Map || v instanceof List) {
                throw new ConfigException(where(key) + " must be a single value");
            }
            String s = String.valueOf(v).trim();
            return s.isEmpty() ? null : s;
        }

        String oneOf(String key, List<String> allowed) {
            String s = string(key);
            if (s != null && !allowed.contains(s)) {
                throw new ConfigException(where(key) + " must be one of " + String.join(", ", allowed) + ", not '" + s + "'");
            }
            return s;
        }

        List<String> list(String key, boolean emptyIfAbsent) {
            Object v = m.get(key);
            if (v == null) {
                return emptyIfAbsent ? List.of() : null;
            }
            if (!(v instanceof List<?> l)) {
                throw new ConfigException(where(key) + " must be a list (one '- entry' per line)");
            }
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                if (o == null || o instanceof Map || o instanceof List) {
                    throw new ConfigException(where(key) + " has an entry that is not a single value: " + o);
                }
                out.add(String.valueOf(o).trim());
            }
            return List.copyOf(out);
        }

        Boolean bool(String key) {
            Object v = m.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw new ConfigException(where(key) + " must be true or false, not '" + v + "'");
        }

        Integer integer(String key) {
            Long l = size(key);
            if (l == null) {
                return null;
            }
            if (l > Integer.MAX_VALUE) {
                throw new ConfigException(where(key) + " is too large");
            }
            return l.intValue();
        }

        Long size(String key) {
            return size(key, false);
        }

        Long sizeOrZero(String key) {
            return size(key, true);
        }

        private Long size(String key, boolean zeroAllowed) {
            Object v = m.get(key);
            if (v == null) {
                return null;
            }
            try {
                long l = Sizes.parse(String.valueOf(v));
                if (l < 0 || (l == 0 && !zeroAllowed)) {
                    throw new IllegalArgumentException(zeroAllowed ? "must not be negative" : "must be positive");
                }
                return l;
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where(key) + ": '" + v + "' " + e.getMessage());
            }
        }
    }

    /** A configuration file error: one line naming the file and key. */
    public static final class ConfigException extends org.kgmigration.error.KgmException {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message, org.kgmigration.error.ExitCodes.USAGE);
        }
    }
}
