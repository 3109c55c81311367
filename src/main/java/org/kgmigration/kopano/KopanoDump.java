package org.kgmigration.kopano;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.kgmigration.stream.DumpFormat;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.RecordSink;
import org.kgmigration.stream.StoreSelector;

/**
 * A whole dump: header, the selected stores, trailer. The Camel routes call {@link #begin()},
 * {@link #stores()}, {@link #dumpStore(StoreInfo)} for each store and {@link #finish()}; the CLI
 * calls {@link #prepare()} first (so that a bad selection fails before anything is written) and
 * {@link #cleanup()} at the end (also on failure and Ctrl-C).
 */
public final class KopanoDump {
    private final KopanoSource source;
    private final DumpOptions options;
    private final StoreSelector selector;
    private final RecordSink out;
    private final FolderSpool spool;
    private final Path tempRoot;
    private final DumpListener listener;
    private final String toolVersion;
    private final AtomicLong records = new AtomicLong();
    private final Map<String, DumpRecord.Totals> storeTotals = new LinkedHashMap<>();
    private List<StoreInfo> selected;
    private Map<StoreInfo, StoreStats> stats;
    private volatile Path spoolDir;
    private long started;

    /**
     * @param spool    how folders are spooled with concurrency &gt; 1 (null: always sequential)
     * @param tempRoot where the run's spool directory is created (null: the system temporary directory)
     */
    public KopanoDump(KopanoSource source, DumpOptions options, StoreSelector selector, RecordSink out,
                      FolderSpool spool, Path tempRoot, DumpListener listener, String toolVersion) {
        this.source = source;
        this.options = options;
        this.selector = selector;
        this.out = out;
        this.spool = spool;
        this.tempRoot = tempRoot;
        this.listener = listener == null ? DumpListener.NONE : listener;
        this.toolVersion = toolVersion;
    }

    /** The result of a dump. */
    public record Summary(int stores, Map<String, DumpRecord.Totals> perStore, DumpRecord.Totals total, long records,
                          long millis) {
        /** True when data problems were counted (missing attachments, unreadable properties ...). */
        public boolean hasProblems() {
            return Tally.hasProblems(total);
        }
    }

    /**
     * Selects the stores and counts what will be read.
     *
     * @throws IllegalArgumentException when a selector names no store (the message lists what exists)
     */
    public List<StoreInfo> prepare() {
        List<StoreInfo> all = source.stores();
        List<DumpRecord.Store> records = all.stream().map(StoreInfo::selectable).toList();
        selector.checkAllMatch(records);
        List<StoreInfo> sel = new ArrayList<>();
        for (StoreInfo s : all) {
            if (selector.matches(s.selectable())) {
                sel.add(s);
            }
        }
        selected = sel;
        stats = source.stats(sel);
        long folders = 0;
        long messages = 0;
        long bytes = 0;
        for (StoreStats st : stats.values()) {
            folders += st.folders() + (options.includeSoftDeleted() ? st.softDeletedFolders() : 0);
            messages += st.messages() + st.associated() + (options.includeSoftDeleted() ? st.softDeletedMessages() : 0);
            bytes += st.bytes() + (options.includeSoftDeleted() ? st.softDeletedBytes() : 0);
        }
        listener.planned(sel.size(), folders, messages, bytes);
        return sel;
    }

    public Map<StoreInfo, StoreStats> plannedStats() {
        return stats;
    }

    /** Writes the header. */
    public void begin() throws IOException {
        if (selected == null) {
            prepare();
        }
        started = System.currentTimeMillis();
        Map<String, Object> sel = new LinkedHashMap<>();
        sel.put("users", selector.users());
        sel.put("stores", selector.stores());
        sel.put("public", selector.publicStores());
        sel.put("excludeUsers", selector.excludeUsers());
        sel.put("excludeStores", selector.excludeStores());
        sel.put("selected", selected.stream().map(StoreInfo::guid).toList());
        // the store index lets migrate check every store's mapping and target user before it uploads
        sel.put("storeIndex", selected.stream().map(KopanoDump::indexEntry).toList());
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("includeSoftDeleted", options.includeSoftDeleted());
        opts.put("strict", options.strict());
        opts.put("concurrency", options.concurrency());
        Schema schema = source.schema();
        AttachmentReader att = source.attachments();
        String storage = att == null ? schema.attachmentStorage()
                : att.kind() == AttachmentReader.Kind.UNKNOWN ? schema.attachmentStorage()
                : att.kind().name().toLowerCase(Locale.ROOT);
        write(new DumpRecord.Header(DumpFormat.VERSION, "kgdump", toolVersion, schema.serverGuid(), schema.revision(),
                storage, sel, started, opts));
    }

    /** One entry of the Header's {@code selection.storeIndex} (see docs/dump-format.md). */
    static Map<String, Object> indexEntry(StoreInfo s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("guid", s.guid());
        m.put("type", s.kind());
        DumpRecord.Owner o = s.owner();
        if (o != null) {
            if (o.userId() != null) {
                m.put("userId", (long) o.userId());
            }
            if (o.loginName() != null) {
                m.put("loginName", o.loginName());
            }
            if (o.email() != null) {
                m.put("email", o.email());
            }
            if (o.lastOwnerName() != null) {
                m.put("lastOwnerName", o.lastOwnerName());
            }
        }
        return m;
    }

    /** The selected stores, in database order. */
    public List<StoreInfo> stores() {
        if (selected == null) {
            prepare();
        }
        return selected;
    }

    /** Writes one store. */
    public DumpRecord.Totals dumpStore(StoreInfo s) throws IOException {
        ReadContext ctx = new ReadContext(source.schema(), source.names(), source.directory(), source.attachments(),
                options, listener);
        DumpRecord.Totals t = new StoreDumper(source, ctx, spool, this::spoolDir, records).dump(s, out);
        synchronized (storeTotals) {
            storeTotals.put(s.guid(), t);
        }
        return t;
    }

    /** Writes the trailer and returns the summary. */
    public Summary finish() throws IOException {
        Tally all = new Tally();
        Map<String, DumpRecord.Totals> per;
        synchronized (storeTotals) {
            per = Map.copyOf(storeTotals);
            storeTotals.values().forEach(all::add);
        }
        long now = System.currentTimeMillis();
        DumpRecord.Totals total = all.totals();
        // the trailer counts every record before it (Header and Data included)
        write(new DumpRecord.Trailer(new LinkedHashMap<>(storeTotals), total, records.get(), now));
        return new Summary(per.size(), per, total, records.get(), now - started);
    }

    private void write(DumpRecord r) throws IOException {
        out.write(r);
        records.incrementAndGet();
    }

    private Path spoolDir() {
        Path d = spoolDir;
        if (d == null) {
            synchronized (this) {
                if (spoolDir == null) {
                    try {
                        Path root = tempRoot != null ? tempRoot : Path.of(System.getProperty("java.io.tmpdir"));
                        Files.createDirectories(root);
                        spoolDir = Files.createTempDirectory(root, "kgdump-spool-");
                    } catch (IOException e) {
                        throw new SourceException("cannot create a spool directory in "
                                + (tempRoot != null ? tempRoot : System.getProperty("java.io.tmpdir")) + ": " + e, e);
                    }
                }
                d = spoolDir;
            }
        }
        return d;
    }

    /** Removes the run's spool directory (safe to call more than once and from a shutdown hook). */
    public void cleanup() {
        Path d = spoolDir;
        if (d == null || !Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: the directory name says what it is
        }
    }

    public Path spoolDirectory() {
        return spoolDir;
    }
}
