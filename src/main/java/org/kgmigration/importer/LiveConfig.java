package org.kgmigration.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import org.kgmigration.api.Limits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings that take effect without a restart: the IP whitelist, the message-class whitelist,
 * quota enforcement, the shared-secret token and the request limits. The configuration file is
 * looked at (one {@code stat}) on every request and read again when it changed. A file that became
 * invalid turns the import API off (every request refused, the reason logged) until it is fixed:
 * the server never keeps trusting addresses the administrator may have meant to remove.
 * Values given on the command line win over the file and are not reloaded.
 */
public final class LiveConfig {
    private static final Logger LOG = LoggerFactory.getLogger(LiveConfig.class);
    public static final int DEFAULT_MAX_BATCH_ITEMS = 1000;
    public static final long DEFAULT_MAX_BATCH_BYTES = 64L << 20;
    public static final long DEFAULT_MAX_BLOB_BYTES = 4L << 30;
    public static final long DEFAULT_MAX_INLINE_BLOB_BYTES = 256L << 10;

    /** Values from the command line; null = take the file's. */
    public record Overrides(List<String> ipWhiteLists, List<String> messageClasses, Boolean enforceQuota,
            String tokenFile, Integer maxBatchItems, Long maxBatchBytes, Long maxBlobBytes) {
        public static Overrides none() {
            return new Overrides(null, null, null, null, null, null, null);
        }
    }

    /**
     * The settings in force.
     *
     * @param whitelist     trusted addresses (empty = API off)
     * @param offReason     why the API is off (null when the whitelist has entries)
     * @param classes       message-class whitelist
     * @param enforceQuota  refuse imports beyond a user's quota
     * @param token         the shared secret clients must send, or null
     * @param limits        request limits
     */
    public record Snapshot(IpWhitelist whitelist, String offReason, MessageClassWhitelist classes,
            boolean enforceQuota, String token, Limits limits) {
    }

    private record Stamp(boolean exists, long modified, long size, Object key) {
        static Stamp of(Path p) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                return new Stamp(true, a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
            } catch (IOException e) {
                return new Stamp(false, 0, 0, null);
            }
        }
    }

    private final Path file;
    private final Overrides overrides;
    private volatile Stamp stamp;
    private volatile Snapshot current;
    private volatile Stamp tokenStamp;

    private LiveConfig(Path file, Overrides overrides) {
        this.file = file;
        this.overrides = overrides;
    }

    /**
     * Reads the configuration once; an invalid file is an error here (the program does not start),
     * later it only turns the API off.
     */
    public static LiveConfig start(Path file, Overrides overrides) {
        LiveConfig c = new LiveConfig(file, overrides);
        Stamp s = Stamp.of(file);
        c.current = c.build(ImporterConfig.load(file));
        c.stamp = s;
        c.tokenStamp = c.tokenFileStamp();
        return c;
    }

    public Path file() {
        return file;
    }

    /** The settings in force now (re-reads the file if it changed since the last call). */
    public Snapshot current() {
        Stamp s = Stamp.of(file);
        Stamp t = tokenFileStamp();
        if (!s.equals(stamp) || !Objects.equals(t, tokenStamp)) {
            synchronized (this) {
                if (!s.equals(stamp) || !Objects.equals(t, tokenStamp)) {
                    reload(s);
                    tokenStamp = tokenFileStamp();
                }
            }
        }
        return current;
    }

    private Stamp tokenFileStamp() {
        String tf = tokenFileName();
        return tf == null ? null : Stamp.of(Path.of(tf));
    }

    private String tokenFileName() {
        return overrides.tokenFile() != null ? overrides.tokenFile() : lastTokenFile;
    }

    /** The token file named by the configuration last read (null = none). */
    private volatile String lastTokenFile;

    private void reload(Stamp s) {
        Snapshot next;
        try {
            next = build(ImporterConfig.load(file));
            LOG.info("configuration {} changed: whitelist {}, {} message-class rules, quota enforcement {}", file,
                    next.whitelist().isEmpty() ? "EMPTY (import API off)" : next.whitelist().entries(),
                    next.classes().entries().size(), next.enforceQuota() ? "on" : "off");
        } catch (RuntimeException e) {
            String why = "configuration " + file + " is invalid (" + e.getMessage() + "); the import API refuses "
                    + "every request until it is fixed";
            LOG.error(why);
            Snapshot cur = current;
            next = new Snapshot(IpWhitelist.empty(), why, cur.classes(), cur.enforceQuota(), cur.token(), cur.limits());
        }
        current = next;
        stamp = s;
    }

    private Snapshot build(ImporterConfig c) {
        List<String> ips = overrides.ipWhiteLists() != null ? overrides.ipWhiteLists() : c.ipWhiteLists();
        IpWhitelist wl;
        try {
            wl = IpWhitelist.parse(ips);
        } catch (IllegalArgumentException e) {
            throw new ImporterConfig.ConfigException(file + ": " + ImporterConfig.SECTION + ".ip_white_lists: "
                    + e.getMessage());
        }
        String off = null;
        if (wl.isEmpty()) {
            if (overrides.ipWhiteLists() != null) {
                off = "the --ip-white-list option lists no address";
            } else if (!c.present()) {
                off = "the configuration file " + file + " does not exist";
            } else {
                off = ImporterConfig.SECTION + ".ip_white_lists in " + file + " is empty or missing";
            }
        }
        List<String> cls = overrides.messageClasses() != null ? overrides.messageClasses() : c.messageClasses();
        MessageClassWhitelist mc;
        try {
            mc = cls == null ? MessageClassWhitelist.defaults() : MessageClassWhitelist.of(cls);
        } catch (IllegalArgumentException e) {
            throw new ImporterConfig.ConfigException(file + ": " + ImporterConfig.SECTION + ".message_classes: "
                    + e.getMessage());
        }
        boolean quota = first(overrides.enforceQuota(), c.enforceQuota(), false);
        String tokenFile = overrides.tokenFile() != null ? overrides.tokenFile() : c.tokenFile();
        lastTokenFile = tokenFile;
        String token = tokenFile == null ? null : readToken(Path.of(tokenFile));
        long maxBatchBytes = first(overrides.maxBatchBytes(), c.maxBatchBytes(), DEFAULT_MAX_BATCH_BYTES);
        long maxInline = c.maxInlineBlobBytes() != null ? c.maxInlineBlobBytes()
                : Math.min(DEFAULT_MAX_INLINE_BLOB_BYTES, maxBatchBytes);
        if (maxInline > maxBatchBytes) {
            throw new ImporterConfig.ConfigException(file + ": " + ImporterConfig.SECTION + ".max_inline_blob_bytes ("
                    + maxInline + ") must not exceed max_batch_bytes (" + maxBatchBytes + ")");
        }
        Limits limits = new Limits(first(overrides.maxBatchItems(), c.maxBatchItems(), DEFAULT_MAX_BATCH_ITEMS),
                maxBatchBytes, first(overrides.maxBlobBytes(), c.maxBlobBytes(), DEFAULT_MAX_BLOB_BYTES), maxInline,
                org.kgmigration.api.ImportApi.MAX_BLOB_QUERY);
        return new Snapshot(wl, off, mc, quota, token, limits);
    }

    private static String readToken(Path p) {
        try {
            String t = Files.readString(p, StandardCharsets.UTF_8).trim();
            if (t.length() < 16) {
                throw new ImporterConfig.ConfigException(p + ": the token must have at least 16 characters");
            }
            return t;
        } catch (IOException e) {
            throw new ImporterConfig.ConfigException("token file " + p + ": cannot read: " + e.getMessage());
        }
    }

    private static <T> T first(T a, T b, T c) {
        return a != null ? a : b != null ? b : c;
    }
}
