package org.kgmigration.kopano;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads the data of attachment instances from whichever storage the database uses
 * (kopano-database.md §5): the {@code lob} table ({@code database}), fan-out directories with
 * optionally gzip-compressed files ({@code files} / {@code files_v1-L1-L2}), or content-addressed
 * files ({@code files_v2}). The storage the database names is tried first; because an administrator
 * can switch backends, an instance that is not there is looked for in the others as well.
 *
 * <p>Compression of {@code files} is decided by the file name only: {@code <id>.gz} is gunzipped,
 * {@code <id>} is returned as it is, even when its content happens to be gzip (a user's
 * {@code .tar.gz} must stay one).
 */
public final class AttachmentReader {
    /** The storage a database uses. */
    public enum Kind {
        DATABASE, FILES, FILES_V2, UNKNOWN
    }

    private static final Pattern FILES_V1 = Pattern.compile("files_v1-(\\d+)-(\\d+)");

    private final Kind kind;
    private final Path dir;
    private final boolean dirUsable;
    private final int l1;
    private final int l2;

    AttachmentReader(Kind kind, Path dir, boolean dirUsable, int l1, int l2) {
        this.kind = kind;
        this.dir = dir;
        this.dirUsable = dirUsable;
        this.l1 = l1;
        this.l2 = l2;
    }

    /**
     * The reader for a database.
     *
     * @throws SourceException for an unsupported storage or a files storage without a readable directory
     */
    public static AttachmentReader create(SourceConfig cfg, Schema schema) {
        String setting = schema.attachmentStorage() == null ? null : schema.attachmentStorage().toLowerCase(Locale.ROOT);
        Integer dbL1 = null;
        Integer dbL2 = null;
        Kind fromDb;
        if (setting == null || setting.isEmpty()) {
            fromDb = Kind.UNKNOWN;
        } else if (setting.equals("database") || setting.equals("db")) {
            fromDb = Kind.DATABASE;
        } else if (setting.equals("files")) {
            fromDb = Kind.FILES;
        } else if (setting.equals("files_v2")) {
            fromDb = Kind.FILES_V2;
        } else if (FILES_V1.matcher(setting).matches()) {
            Matcher m = FILES_V1.matcher(setting);
            m.matches();
            fromDb = Kind.FILES;
            dbL1 = Integer.parseInt(m.group(1));
            dbL2 = Integer.parseInt(m.group(2));
        } else if (setting.equals("s3")) {
            if (cfg.storage() == SourceConfig.Storage.AUTO) {
                throw new SourceException("the database keeps attachments in S3 (attachment_storage = s3), which kgdump "
                        + "cannot read; copy the objects into a directory and use --attachment-storage=files");
            }
            fromDb = Kind.UNKNOWN;
        } else {
            throw new SourceException("unknown attachment_storage '" + schema.attachmentStorage()
                    + "' in the database settings; set --attachment-storage=files|files_v2|database");
        }
        Kind kind = switch (cfg.storage()) {
            case AUTO -> fromDb;
            case FILES -> Kind.FILES;
            case FILES_V2 -> Kind.FILES_V2;
            case DATABASE -> Kind.DATABASE;
        };
        int l1 = cfg.filesL1() != null ? cfg.filesL1() : dbL1 != null ? dbL1 : 10;
        int l2 = cfg.filesL2() != null ? cfg.filesL2() : dbL2 != null ? dbL2 : 20;
        Path dir = cfg.attachmentsDir();
        boolean needsDir = kind == Kind.FILES || kind == Kind.FILES_V2;
        boolean usable = dir != null && Files.isDirectory(dir) && Files.isReadable(dir) && Files.isExecutable(dir);
        if (needsDir && !usable) {
            String why = dir == null ? "is not set" : !Files.exists(dir) ? dir + " does not exist"
                    : !Files.isDirectory(dir) ? dir + " is not a directory" : dir + " is not readable";
            throw new SourceException("the attachment directory " + why + " (attachments.dir in the configuration or "
                    + "--attachments-dir; the database uses the " + kind.name().toLowerCase(Locale.ROOT)
                    + " attachment storage)");
        }
        return new AttachmentReader(kind, dir, usable, l1, l2);
    }

    public Kind kind() {
        return kind;
    }

    /** E.g. {@code files_v2 in /var/lib/kopano/attachments}. */
    public String describe() {
        String k = switch (kind) {
            case DATABASE -> "database (lob table)";
            case FILES -> "files (fan-out " + l1 + "/" + l2 + ")";
            case FILES_V2 -> "files_v2";
            case UNKNOWN -> "unknown (probing lob table and files)";
        };
        return kind == Kind.DATABASE && !dirUsable ? k : k + " in " + dir;
    }

    /**
     * The data of an instance, or the reason why there is none.
     *
     * @param in       the data (caller closes), or null when it was not found
     * @param location where it was found
     * @param problem  what was tried, when {@code in} is null
     */
    public record Opened(InputStream in, String location, String problem) {
    }

    /**
     * Whether the {@code lob} table is the first place {@link #open} looks for an instance with this
     * {@code singleinstances.filename}: such instances are planned into the batch's {@link LobReader}.
     */
    boolean lobFirst(String filename) {
        return switch (kind) {
            case DATABASE -> true;
            case FILES -> false;
            case FILES_V2, UNKNOWN -> filename == null || filename.isEmpty() || !dirUsable;
        };
    }

    /**
     * Opens instance {@code instanceId}; the {@code lob} table is read through {@code lobs}, which
     * invalidates the stream it returned before.
     *
     * @param filename {@code singleinstances.filename} (files_v2), may be null
     */
    Opened open(LobReader lobs, long instanceId, String filename) throws SQLException {
        List<String> tried = new ArrayList<>();
        List<Kind> order = switch (kind) {
            case DATABASE -> List.of(Kind.DATABASE, Kind.FILES_V2, Kind.FILES);
            case FILES -> List.of(Kind.FILES, Kind.FILES_V2, Kind.DATABASE);
            case FILES_V2, UNKNOWN -> List.of(Kind.FILES_V2, Kind.DATABASE, Kind.FILES);
        };
        for (Kind k : order) {
            Opened o = switch (k) {
                case DATABASE -> lobs.open(instanceId, tried);
                case FILES_V2 -> openV2(filename, tried);
                case FILES -> openV1(instanceId, tried);
                case UNKNOWN -> null;
            };
            if (o != null) {
                return o;
            }
        }
        return new Opened(null, null, "instance " + instanceId + " not found: tried " + String.join(", ", tried));
    }

    /**
     * The file {@link #open} reads for an instance, as far as it can be told without the database:
     * the first existing file of a files storage in {@link #open}'s order, or null when the
     * {@code lob} table comes first or no file exists. For reading the file ahead into the page cache.
     */
    Path dataFile(long instanceId, String filename) {
        if (lobFirst(filename) || !dirUsable) {
            return null;
        }
        List<Path> candidates = new ArrayList<>();
        if (kind == Kind.FILES) {
            v1Files(instanceId).forEach(candidates::addAll);
        } else {
            candidates.add(v2File(filename));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private Path v2File(String filename) {
        return dir.resolve(filename).resolve("content");
    }

    /**
     * The files an instance of the {@code files} storage may be in: per fan-out (the configured one,
     * then Kopano's default 10/20), {@code <id>.gz} and {@code <id>}. Kopano writes {@code <id>.gz}
     * while attachment_compression is on (the default) and {@code <id>} otherwise; the suffix alone
     * says which, never the content.
     */
    private List<List<Path>> v1Files(long id) {
        List<int[]> fanouts = new ArrayList<>();
        fanouts.add(new int[] {l1, l2});
        if (l1 != 10 || l2 != 20) {
            fanouts.add(new int[] {10, 20});
        }
        List<List<Path>> out = new ArrayList<>();
        for (int[] f : fanouts) {
            Path base = dir.resolve(Long.toString(id % f[0])).resolve(Long.toString((id / f[0]) % f[1]));
            out.add(List.of(base.resolve(id + ".gz"), base.resolve(Long.toString(id))));
        }
        return out;
    }

    private Opened openV2(String filename, List<String> tried) {
        if (filename == null || filename.isEmpty() || !dirUsable) {
            return null;
        }
        Path p = v2File(filename);
        tried.add(p.toString());
        return openFile(p, false);
    }

    private Opened openV1(long id, List<String> tried) {
        if (!dirUsable) {
            return null;
        }
        for (List<Path> pair : v1Files(id)) {
            Path gz = pair.get(0);
            Path raw = pair.get(1);
            tried.add(gz.toString());
            Opened o = openFile(gz, true);
            if (o != null) {
                if (Files.exists(raw)) {
                    org.slf4j.LoggerFactory.getLogger(AttachmentReader.class).warn(
                            "both {} and {} exist; using the compressed one, as Kopano with compression on does", gz, raw);
                }
                return o;
            }
            tried.add(raw.toString());
            o = openFile(raw, false);
            if (o != null) {
                return o;
            }
        }
        return null;
    }

    private static Opened openFile(Path p, boolean gunzip) {
        InputStream in = null;
        try {
            in = Files.newInputStream(p);
            // The caller reads in 1 MiB blocks, so a plain file needs no buffer of its own; the
            // compressed input buffer is small because most attachment files are small.
            InputStream data = gunzip ? new GZIPInputStream(in, 1 << 14) : in;
            return new Opened(data, p.toString(), null);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            KopanoConnector.closeQuietly(in);
            return new Opened(null, p.toString(), "cannot read " + p + ": " + e);
        }
    }
}
