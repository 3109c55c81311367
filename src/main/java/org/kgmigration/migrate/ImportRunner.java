package org.kgmigration.migrate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.kgmigration.api.AttachmentItem;
import org.kgmigration.api.BlobRef;
import org.kgmigration.api.Capabilities;
import org.kgmigration.api.EmbeddedMessage;
import org.kgmigration.api.FolderBatch;
import org.kgmigration.api.FolderBatchResult;
import org.kgmigration.api.FolderItem;
import org.kgmigration.api.FolderResult;
import org.kgmigration.api.ImportApi;
import org.kgmigration.api.ItemResult;
import org.kgmigration.api.MessageBatchResult;
import org.kgmigration.api.MessageItem;
import org.kgmigration.api.UserStatus;
import org.kgmigration.error.KgmException;
import org.kgmigration.migrate.ImportClient.ApiFailure;
import org.kgmigration.migrate.ImportReport.Status;
import org.kgmigration.migrate.ImportReport.StoreReport;
import org.kgmigration.stream.CountingInputStream;
import org.kgmigration.stream.DumpReader;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.DumpValidator;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a dump stream once, record by record, and delivers it: per store the target user's
 * preflight, then its folders (parents first), then per batch of messages the attachment data the
 * server does not have yet, then the batch, up to {@code delivery.concurrency} batches in flight;
 * finally the store's completion. Skips, refusals and failures are counted in the
 * {@link ImportReport}.
 *
 * <p>Attachment data: with an API 1.1 server that takes inline data ({@code maxInlineBlobBytes} &gt;
 * 0), data up to {@code delivery.inline_max_bytes} (and the server's limit) is kept in memory and
 * sent inline in the message, unless the server is known to have it already; larger data goes to
 * a spool file, and per batch one {@code POST /blobs/missing} asks which of those the server lacks,
 * which are then uploaded with {@code PUT}. A 1.0 server gets {@code HEAD} + {@code PUT} per blob.
 *
 * <p>Memory: one batch being filled plus at most {@code concurrency} batches in flight, each
 * bounded by {@code batch_size} and {@code max_batch_bytes} (a single message larger than that
 * travels alone), inline data included: a message's inline data is at most half of
 * {@code max_batch_bytes}, and a message that would not fit a batch with it sends it through the
 * spool instead. Other attachment data goes from the Data records straight to spool files, which
 * are deleted once uploaded. Per store the folder ids are kept (to resolve parents); nothing is kept
 * per message.
 */
public final class ImportRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ImportRunner.class);
    private static final Pattern SOURCE_KEY = Pattern.compile("([0-9A-Fa-f]{2}){1,127}");
    private static final byte[] BATCH_START = "{\"items\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BATCH_END = "]}".getBytes(StandardCharsets.UTF_8);
    static final String EMBEDDED_DEFAULT_CLASS = "IPM";

    /** What the command line decided. */
    public record Settings(boolean dryRun, StoreSelection selection, Path inputFile, Path journalFile, Path spoolDir) {
    }

    private final MigrateConfig cfg;
    private final Settings settings;
    private final ImportClient client;
    private final ImportReport report;
    private final UserMapping mapping;
    private Progress progress;
    private CountingInputStream counting;

    private ClassFilter classes;
    private PayloadMapper mapper;
    private int batchItems;
    private long batchBytes;
    /** Largest attachment data sent inline (0 = none). */
    private long inlineMax;
    /** Whether the server answers the blob query (API 1.1), and how many blobs at most per query. */
    private int blobQueryMax;
    private Journal journal;
    private Path spool;
    private ExecutorService executor;
    private Semaphore slots;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Map<String, Object> preflights = new HashMap<>();
    private final Map<String, Boolean> recentBlobs = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
                    return size() > 20_000;
                }
            });
    private boolean haveIndex;
    private final List<DumpRecord.Store> seen = new ArrayList<>();
    private long spoolSeq;

    public ImportRunner(MigrateConfig cfg, Settings settings, ImportClient client, ImportReport report) {
        this.cfg = cfg;
        this.settings = settings;
        this.client = client;
        this.report = report;
        this.mapping = cfg.userMapping();
    }

    /** Progress display (optional); reads the bytes consumed so far. */
    public void progress(Progress p) {
        this.progress = p;
    }

    /** Bytes of the input read so far (for the progress display). */
    public long bytesRead() {
        CountingInputStream c = counting;
        return c == null ? 0 : c.count();
    }

    /** Reads the whole dump and delivers it; returns the exit code (the report is complete then). */
    public int run(InputStream in) {
        Capabilities caps = call(client::capabilities);
        if (caps.apiVersion() == null || !caps.apiVersion().startsWith("1.")) {
            throw new KgmException("the importer speaks import API " + caps.apiVersion() + ", this migrate speaks "
                    + ImportApi.VERSION + ": use matching kg-migration versions on both sides");
        }
        List<String> wl = cfg.classWhitelist != null ? cfg.classWhitelist : caps.messageClasses();
        classes = new ClassFilter(wl == null ? List.of() : wl);
        mapper = new PayloadMapper(caps.propertyTypes() == null ? List.of() : caps.propertyTypes());
        batchItems = cfg.batchSize;
        batchBytes = cfg.maxBatchBytes;
        if (caps.limits() != null) {
            batchItems = Math.min(batchItems, caps.limits().maxBatchItems());
            batchBytes = Math.min(batchBytes, caps.limits().maxBatchBytes());
            Long serverInline = caps.limits().maxInlineBlobBytes();
            inlineMax = serverInline == null ? 0 : Math.max(0, Math.min(serverInline, cfg.inlineMaxBytes));
            inlineMax = Math.min(inlineMax, batchBytes / 2);
            Integer q = caps.limits().maxBlobQuery();
            blobQueryMax = q == null ? 0 : Math.max(0, q);
        }
        LOG.info("attachment data: {}; {}", inlineMax > 0 ? "up to " + inlineMax + " bytes inline in the messages"
                : "none inline", blobQueryMax > 0 ? "one blob query per batch, then PUT" : "HEAD + PUT per blob (API 1.0)");
        LOG.info("importer {}: API {}, {} message-class rules ({}), batches of up to {} messages / {} bytes, {} in parallel",
                caps.serverVersion(), caps.apiVersion(), classes.entries().size(),
                cfg.classWhitelist != null ? "IMPORTER_CONFIG classes.whitelist" : "the server's list", batchItems,
                batchBytes, cfg.concurrency);
        counting = new CountingInputStream(in);
        try (DumpReader reader = new DumpReader(counting)) {
            DumpValidator v = new DumpValidator(reader);
            DumpRecord first = v.next();
            if (!(first instanceof DumpRecord.Header h)) {
                throw new KgmException("the dump does not start with a Header");
            }
            LOG.info("dump written by {} {} from server {} (schema revision {}, {} attachments)", h.tool(), h.toolVersion(),
                    h.sourceServerGuid(), h.schemaRevision(), h.attachmentStorage());
            List<DumpRecord.Store> index = StoreIndex.fromHeader(h);
            if (index == null && settings.inputFile() != null && !settings.dryRun()) {
                index = StoreIndex.scan(settings.inputFile());
            }
            haveIndex = index != null;
            if (index != null) {
                precheck(index);
            } else if (!settings.dryRun()) {
                LOG.warn("the dump has no store index and comes through a pipe: each store's mapping and target user are"
                        + " checked when the store arrives, and an unmapped store is refused then (use --dry-run first)");
            }
            if (!settings.dryRun()) {
                journal = Journal.open(settings.journalFile(), sourceFingerprint(h), dumpFingerprint(h));
                if (journal.resumed()) {
                    LOG.info("continuing the import recorded in {}", journal.file());
                }
                spool = Files.createTempDirectory(settings.spoolDir() != null ? ensureDir(settings.spoolDir())
                        : Path.of(System.getProperty("java.io.tmpdir")), "kgm-migrate-");
                executor = Executors.newFixedThreadPool(cfg.concurrency, r -> {
                    Thread t = new Thread(r, "migrate-deliver");
                    t.setDaemon(true);
                    return t;
                });
                slots = new Semaphore(cfg.concurrency);
            }
            loop(v);
            if (stop.get()) {
                // a store cut short by a failure that stopped the run
                for (StoreReport r : report.stores()) {
                    if (r.status == null) {
                        r.status = Status.FAILED;
                        r.reason = "stopped: " + report.fatal();
                        r.end();
                    }
                }
            }
        } catch (IOException e) {
            throw new KgmException("cannot read the dump: " + e.getMessage(), e);
        } finally {
            shutdown();
        }
        if (!haveIndex) {
            String bad = settings.selection().problem(seen);
            if (bad != null) {
                report.fatal(bad);
            }
        }
        return report.exitCode();
    }

    private static Path ensureDir(Path p) throws IOException {
        Files.createDirectories(p);
        return p;
    }

    private void shutdown() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    LOG.warn("deliveries still running after 30 s; the journal is closed without them");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (journal != null) {
            journal.close();
        }
        if (spool != null) {
            try (var s = Files.list(spool)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(spool);
            } catch (IOException e) {
                LOG.warn("cannot remove the spool directory {}: {}", spool, e.toString());
            }
        }
    }

    /** The source server and what is sent from it: completed stores stay valid for a new dump of it. */
    private String sourceFingerprint(DumpRecord.Header h) {
        String s = h.sourceServerGuid() + "|" + String.join(",", classes.entries());
        return Sha256.hex(s.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** This dump and how its batches are cut: batch entries apply only to the same input cut the same way. */
    private String dumpFingerprint(DumpRecord.Header h) {
        String s = h.startedMillis() + "|" + h.tool() + "|" + batchItems + "|" + batchBytes;
        return Sha256.hex(s.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    // ------------------------------------------------------------------ the pre-check of all stores

    /**
     * With the list of stores known up front: selection, mapping and every target user's preflight
     * before anything is uploaded. Unmapped stores are an error listing all of them (unless
     * mapping.unmapped is skip); refused target users are reported and their stores left out.
     */
    private void precheck(List<DumpRecord.Store> index) {
        String bad = settings.selection().problem(index);
        if (bad != null) {
            throw new org.kgmigration.error.UsageException(bad);
        }
        List<String> unmapped = new ArrayList<>();
        for (DumpRecord.Store s : index) {
            if (!settings.selection().matches(s)) {
                continue;
            }
            var t = mapping.targetOf(s);
            if (t.isEmpty()) {
                unmapped.add(s.guid() + " (" + s.type() + ", " + StoreSelection.ownerLabel(s) + ")");
            } else {
                preflight(t.get());
            }
        }
        if (!unmapped.isEmpty() && cfg.unmapped == MigrateConfig.Unmapped.ERROR && !settings.dryRun()) {
            throw new KgmException(unmapped.size() + " store(s) have no target user, nothing was uploaded: "
                    + String.join(", ", unmapped) + " - map them (mapping.map / map_file in IMPORTER_CONFIG, --map"
                    + " SOURCE=UPN, mapping.default_domain / --default-domain) or set mapping.unmapped: skip");
        }
    }

    /** null when the user can receive an import, else why not. Cached per user. */
    private String preflight(String upn) {
        Object cached = preflights.get(upn);
        if (cached != null) {
            return cached instanceof String s ? s : null;
        }
        String refusal = null;
        try {
            UserStatus u = client.preflight(upn);
            if (u.active()) {
                refusal = "target user " + upn + " is active: imports go only into inactive mailboxes"
                        + " (bin/importer users set-active " + upn + " false)";
            }
        } catch (ApiFailure f) {
            if (f.status() == 404 || f.status() == 409) {
                refusal = f.getMessage().replaceFirst("^the importer refused \\S+ with \\d+: ", "");
            } else {
                throw new KgmException(f.getMessage());
            }
        }
        preflights.put(upn, refusal == null ? Boolean.TRUE : refusal);
        if (refusal != null) {
            LOG.error("{}", refusal);
        }
        return refusal;
    }

    // ------------------------------------------------------------------ reading

    /** A message being assembled. */
    private static final class Msg {
        final DumpRecord.Message rec;
        final List<AttachmentItem> atts = new ArrayList<>();
        final List<Blob> blobs = new ArrayList<>();
        /** Data sent inline (top-level message only: it holds those of its embedded messages too). */
        final List<Inline> inline = new ArrayList<>();
        long inlineBytes;
        /** Attachments whose data the server is known to have (sent without data, nothing to upload). */
        long knownBlobs;
        String skip;

        Msg(DumpRecord.Message rec) {
            this.rec = rec;
        }
    }

    /** An attachment being assembled. */
    private static final class Att {
        final List<Prop> props;
        EmbeddedMessage embedded;
        /** The data while it may still go inline; null once it went to {@link #file}. */
        ByteArrayOutputStream mem;
        OutputStream out;
        Path file;
        MessageDigest sha;
        long size;

        Att(List<Prop> props) {
            this.props = props;
        }
    }

    /** Attachment data on disk, waiting for its batch. */
    record Blob(String sha256, long size, Path file) {
    }

    /** Attachment data sent inline in a message. */
    record Inline(String sha256, long size, byte[] data) {
    }

    /** A batch being filled. */
    private static final class Batch {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        final Map<String, Blob> blobs = new LinkedHashMap<>();
        final List<String> keys = new ArrayList<>();
        /** Source key -> SHA-256 of the data inline in that message (known on the server once it is in). */
        final Map<String, List<String>> inlineByKey = new HashMap<>();
        long inlineCount;
        long inlineBytes;
        long knownBlobs;
        long attachmentBytes;
        long attachments;
        int count;

        int size() {
            return body.size() + BATCH_START.length + BATCH_END.length;
        }

        /** The request body {"items": [...]}; the batch's own buffer is given up (inline data makes it large). */
        byte[] take() {
            ByteArrayOutputStream o = new ByteArrayOutputStream(size());
            o.writeBytes(BATCH_START);
            try {
                body.writeTo(o);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);  // a ByteArrayOutputStream does not fail
            }
            o.writeBytes(BATCH_END);
            body = null;
            return o.toByteArray();
        }

        String lastKey() {
            return keys.isEmpty() ? "-" : keys.get(keys.size() - 1);
        }
    }

    /** The store being read. */
    private final class StoreRun {
        final DumpRecord.Store store;
        final StoreReport rep;
        final String guid;
        String upn;
        /** null while delivering; else why the store's records are passed over */
        String skip;
        volatile boolean failed;
        final Set<String> roots = new HashSet<>();
        String ipmSubtree;
        final Map<String, String> notImported = new HashMap<>();
        final Set<String> known = new HashSet<>();
        final List<FolderItem> pendingFolders = new ArrayList<>();
        String folderId;
        String folderSkip;
        Batch batch = new Batch();
        long ordinal;
        long droppedAtStart = mapper.dropped();
        final List<Future<?>> inflight = new ArrayList<>();

        StoreRun(DumpRecord.Store store, StoreReport rep) {
            this.store = store;
            this.rep = rep;
            this.guid = store.guid();
        }

        boolean delivering() {
            return skip == null && !failed;
        }
    }

    private StoreRun st;
    private final Deque<Object> stack = new ArrayDeque<>();

    private void loop(DumpValidator v) throws IOException {
        DumpRecord r;
        while ((r = v.next()) != null) {
            if (stop.get()) {
                LOG.error("stopping: {}", report.fatal());
                return;
            }
            if (r instanceof DumpRecord.Store s) {
                onStore(s);
            } else if (r instanceof DumpRecord.Folder f) {
                onFolder(f);
            } else if (r instanceof DumpRecord.Message m) {
                onMessage(m);
            } else if (r instanceof DumpRecord.Attachment a) {
                Att att = new Att(a.props());
                Msg owner = (Msg) stack.peek();
                if (st.delivering() && owner.skip == null && topSkip() == null && !settings.dryRun()
                        && !journalCovers()) {
                    att.sha = Sha256.digest();
                    if (inlineMax > 0) {
                        att.mem = new ByteArrayOutputStream();
                    } else {
                        spoolTo(att);
                    }
                }
                stack.push(att);
            } else if (r instanceof DumpRecord.Data d) {
                Att att = (Att) stack.peek();
                if (att.sha != null) {
                    att.sha.update(d.bytes());
                    if (att.mem != null && att.mem.size() + (long) d.bytes().length > inlineMax) {
                        spoolTo(att);  // too large to go inline
                    }
                    if (att.mem != null) {
                        att.mem.write(d.bytes());
                    } else {
                        att.out.write(d.bytes());
                    }
                }
                att.size += d.bytes().length;
            } else if (r instanceof DumpRecord.AttachmentEnd e) {
                onAttachmentEnd(e);
            } else if (r instanceof DumpRecord.MessageEnd) {
                onMessageEnd();
            } else if (r instanceof DumpRecord.StoreEnd) {
                onStoreEnd();
            }
        }
    }

    /** Sends the attachment's data to a new spool file (with what was kept in memory so far). */
    private void spoolTo(Att att) throws IOException {
        att.file = nextSpoolFile();
        att.out = new java.io.BufferedOutputStream(Files.newOutputStream(att.file), 1 << 16);
        if (att.mem != null) {
            att.mem.writeTo(att.out);
            att.mem = null;
        }
    }

    /** A new file name in the spool directory. */
    private Path nextSpoolFile() {
        return spool.resolve("a" + (++spoolSeq));
    }

    /** Writes inline data to a spool file: it goes through the upload path after all. */
    private Blob spool(String sha256, byte[] data) throws IOException {
        Path f = nextSpoolFile();
        Files.write(f, data);
        return new Blob(sha256, data.length, f);
    }

    private String topSkip() {
        Object bottom = stack.peekLast();
        return bottom instanceof Msg m ? m.skip : null;
    }

    /** True when the batch(es) the current message can land in were delivered by an earlier run. */
    private boolean journalCovers() {
        return journal != null && journal.batchDone(st.guid, st.ordinal) != null
                && journal.batchDone(st.guid, st.ordinal + 1) != null;
    }

    private void onStore(DumpRecord.Store s) {
        String label = StoreSelection.ownerLabel(s);
        StoreReport rep = report.store(s.guid(), s.type(), label);
        st = new StoreRun(s, rep);
        seen.add(new DumpRecord.Store(s.guid(), s.type(), s.owner(), List.of(), List.of(), List.of(), Map.of()));
        report.notCarried(s.props().size() + s.acl().size() + s.receiveFolders().size());
        if (!settings.selection().matches(s)) {
            rep.status = Status.NOT_SELECTED;
            st.skip = "not selected";
            return;
        }
        var t = mapping.targetOf(s);
        if (t.isEmpty()) {
            rep.status = cfg.unmapped == MigrateConfig.Unmapped.SKIP ? Status.SKIPPED_UNMAPPED : Status.UNMAPPED;
            rep.reason = "no target user for store " + s.guid() + " (" + label + "): map it with mapping.map, map_file,"
                    + " --map or a default domain" + (cfg.unmapped == MigrateConfig.Unmapped.SKIP ? " (skipped as configured)" : "");
            st.skip = rep.reason;
            LOG.error("{}", rep.reason);
            return;
        }
        st.upn = t.get();
        rep.target = st.upn;
        if (journal != null && journal.storeComplete(s.guid())) {
            rep.status = Status.ALREADY_COMPLETE;
            rep.reason = "delivered completely in an earlier run (journal " + journal.file() + ")";
            st.skip = rep.reason;
            LOG.info("store {} ({}) -> {}: {}", s.guid(), label, st.upn, rep.reason);
            return;
        }
        String refusal = preflight(st.upn);
        if (refusal != null) {
            rep.status = Status.REFUSED;
            rep.reason = refusal;
            st.skip = refusal;
            LOG.error("store {} ({}) refused: {}", s.guid(), label, refusal);
            return;
        }
        rep.start();
        if (progress != null) {
            progress.store(label + " -> " + st.upn);
        }
        LOG.info("store {} ({}, {}) -> {}{}", s.guid(), s.type(), label, st.upn, settings.dryRun() ? " (dry run)" : "");
    }

    private static boolean isKey(String s) {
        return s != null && SOURCE_KEY.matcher(s).matches();
    }

    private void onFolder(DumpRecord.Folder f) {
        st.folderId = f.id();
        st.folderSkip = null;
        if (!st.delivering()) {
            return;
        }
        report.notCarried(f.acl().size());
        String role = f.role();
        String name = PayloadMapper.string(f.props(), PayloadMapper.PR_DISPLAY_NAME);
        String shown = (name == null ? "" : "'" + name + "' ") + f.id();
        if (f.parentId() == null || "root".equals(role)) {
            st.roots.add(f.id());
            st.folderSkip = "in the store's root folder";
            return;
        }
        if ("ipm_subtree".equals(role)) {
            st.ipmSubtree = f.id();
            st.folderSkip = "in the IPM subtree folder itself";
            return;
        }
        String reason = null;
        if (st.notImported.containsKey(f.parentId())) {
            reason = "folder below a folder that is not imported";
        } else if (st.roots.contains(f.parentId())) {
            reason = "folder outside the IPM subtree (import API v1 has no place for it)";
        } else if (f.deleted()) {
            reason = "soft-deleted folder";
        } else if (!isKey(f.id()) || (!f.parentId().equals(st.ipmSubtree) && !st.known.contains(f.parentId()))) {
            reason = "folder with an unusable source key or unknown parent";
        }
        if (reason != null) {
            st.notImported.put(f.id(), reason);
            st.folderSkip = "in a folder that is not imported (" + reason + ")";
            st.rep.skip(reason, 1, shown);
            return;
        }
        String parent = f.parentId().equals(st.ipmSubtree) ? null : f.parentId();
        st.known.add(f.id());
        st.pendingFolders.add(mapper.folder(f, parent, PayloadMapper.apiRole(role)));
        st.rep.foldersSent.incrementAndGet();
        if (st.pendingFolders.size() >= 100) {
            flushFolders();
        }
    }

    private void flushFolders() {
        if (st.pendingFolders.isEmpty() || !st.delivering()) {
            st.pendingFolders.clear();
            return;
        }
        List<FolderItem> items = new ArrayList<>(st.pendingFolders);
        st.pendingFolders.clear();
        if (settings.dryRun()) {
            return;
        }
        try {
            FolderBatchResult res = client.folders(st.upn, st.guid, new FolderBatch(items));
            for (FolderResult fr : res.folders()) {
                switch (fr.status()) {
                    case ImportApi.CREATED -> st.rep.foldersCreated.incrementAndGet();
                    case ImportApi.MAPPED -> st.rep.foldersMapped.incrementAndGet();
                    default -> st.rep.foldersPresent.incrementAndGet();
                }
            }
        } catch (ApiFailure f) {
            failStore(st, f, items.size() + " folder(s)");
        }
    }

    private void onMessage(DumpRecord.Message m) {
        Msg msg = new Msg(m);
        if (m.embedded()) {
            stack.push(msg);
            return;
        }
        if (!stack.isEmpty()) {
            throw new KgmException("the dump nests a top-level message inside another message");
        }
        if (!st.delivering()) {
            msg.skip = "store";
        } else {
            flushFolders();
            String cls = PayloadMapper.string(m.props(), PayloadMapper.PR_MESSAGE_CLASS);
            if (st.folderSkip != null) {
                msg.skip = "message " + st.folderSkip;
            } else if (m.deleted()) {
                msg.skip = "soft-deleted message";
            } else if (!isKey(m.id())) {
                msg.skip = "message with an unusable source key";
            } else if (!classes.allows(cls)) {
                msg.skip = "message class not whitelisted (client): " + (cls == null ? "(none)" : cls);
            }
            if (msg.skip != null) {
                st.rep.skip(msg.skip, 1, "message " + m.id() + " in folder " + st.folderId);
                LOG.warn("skipped message {} in folder {} of store {}: {}", m.id(), st.folderId, st.guid, msg.skip);
            }
        }
        stack.push(msg);
    }

    private void onAttachmentEnd(DumpRecord.AttachmentEnd e) throws IOException {
        Att att = (Att) stack.pop();
        Msg owner = (Msg) stack.peek();
        Msg top = (Msg) stack.peekLast();
        if (att.out != null) {
            att.out.close();
        }
        if (top.skip != null) {
            if (att.file != null) {
                Files.deleteIfExists(att.file);
            }
            return;
        }
        List<org.kgmigration.api.Property> props = mapper.properties(att.props);
        AttachmentItem item;
        if (e.missing()) {
            if (att.file != null) {
                Files.deleteIfExists(att.file);
            }
            item = new AttachmentItem(props, null, true, null);
            st.rep.skip("attachment data missing in the dump (sent as a missing attachment)", 1,
                    "message " + top.rec.id() + ": " + e.problem());
        } else if (att.embedded != null) {
            item = new AttachmentItem(props, null, false, att.embedded);
        } else if (e.size() > 0) {
            if (att.sha != null) {
                String got = HexFormat.of().formatHex(att.sha.digest());
                if (!got.equals(e.sha256()) || att.size != e.size()) {
                    throw new KgmException("attachment data of message " + top.rec.id() + " does not match its checksum"
                            + " in the dump (corrupt dump)");
                }
            }
            if (att.mem != null) {
                byte[] data = att.mem.toByteArray();
                att.mem = null;
                if (recentBlobs.containsKey(e.sha256())) {
                    item = new AttachmentItem(props, BlobRef.of(e.sha256(), e.size()), false, null);
                    top.knownBlobs++;
                } else if (top.inlineBytes + data.length <= batchBytes / 2) {
                    item = new AttachmentItem(props, new BlobRef(e.sha256(), e.size(), data), false, null);
                    top.inline.add(new Inline(e.sha256(), e.size(), data));
                    top.inlineBytes += data.length;
                } else {
                    // the message has as much inline data as it may carry: this goes the upload way
                    item = new AttachmentItem(props, BlobRef.of(e.sha256(), e.size()), false, null);
                    top.blobs.add(spool(e.sha256(), data));
                }
            } else {
                item = new AttachmentItem(props, BlobRef.of(e.sha256(), e.size()), false, null);
                top.blobs.add(new Blob(e.sha256(), e.size(), att.file));
            }
        } else {
            if (att.file != null) {
                Files.deleteIfExists(att.file);
            }
            item = new AttachmentItem(props, null, false, null);
        }
        owner.atts.add(item);
    }

    private void onMessageEnd() throws IOException {
        Msg msg = (Msg) stack.pop();
        if (msg.rec.embedded()) {
            Att parent = (Att) stack.peek();
            Msg top = (Msg) stack.peekLast();
            if (top.skip == null) {
                String cls = PayloadMapper.string(msg.rec.props(), PayloadMapper.PR_MESSAGE_CLASS);
                parent.embedded = new EmbeddedMessage(cls == null || cls.isBlank() ? EMBEDDED_DEFAULT_CLASS : cls,
                        mapper.properties(msg.rec.props()), mapper.recipients(msg.rec.recipients()), msg.atts);
            }
            return;
        }
        if (msg.skip != null) {
            return;
        }
        DumpRecord.Message m = msg.rec;
        String cls = PayloadMapper.string(m.props(), PayloadMapper.PR_MESSAGE_CLASS);
        MessageItem item = new MessageItem(m.id(), st.folderId, cls, m.associated(), mapper.properties(m.props()),
                mapper.recipients(m.recipients()), msg.atts);
        byte[] json = ImportClient.JSON.writeValueAsBytes(item);
        if (json.length > batchBytes && !msg.inline.isEmpty()) {
            // inline data must not make a message larger than a batch: send it through the spool instead
            for (Inline in : msg.inline) {
                msg.blobs.add(spool(in.sha256(), in.data()));
            }
            msg.inline.clear();
            item = new MessageItem(item.sourceKey(), item.folder(), item.messageClass(), item.associated(),
                    item.properties(), item.recipients(), withoutData(item.attachments()));
            json = ImportClient.JSON.writeValueAsBytes(item);
        }
        Batch b = st.batch;
        if (b.count > 0 && (b.count >= batchItems || b.size() + json.length + 1 > batchBytes)) {
            flushBatch();
            b = st.batch;
        }
        if (b.count > 0) {
            b.body.write(',');
        }
        b.body.writeBytes(json);
        b.count++;
        b.keys.add(m.id());
        long attBytes = 0;
        for (Blob bl : msg.blobs) {
            attBytes += bl.size();
            Blob had = b.blobs.putIfAbsent(bl.sha256(), bl);
            if (had != null && bl.file() != null && !bl.file().equals(had.file())) {
                Files.deleteIfExists(bl.file());
            }
        }
        long inlineJson = 0;  // the inline data's base64 counts as attachment bytes, not as message bytes
        if (!msg.inline.isEmpty()) {
            List<String> shas = b.inlineByKey.computeIfAbsent(m.id().toUpperCase(java.util.Locale.ROOT),
                    k -> new ArrayList<>());
            for (Inline in : msg.inline) {
                attBytes += in.size();
                shas.add(in.sha256());
                b.inlineCount++;
                b.inlineBytes += in.size();
                inlineJson += 4 * ((in.size() + 2) / 3);
            }
        }
        b.knownBlobs += msg.knownBlobs;
        b.attachmentBytes += attBytes;
        b.attachments += countAttachments(msg.atts);
        st.rep.messageBytes.addAndGet(json.length - inlineJson);
    }

    /** The attachments with their inline data left out (recursively). */
    private static List<AttachmentItem> withoutData(List<AttachmentItem> atts) {
        List<AttachmentItem> out = new ArrayList<>(atts.size());
        for (AttachmentItem a : atts) {
            BlobRef blob = a.blob() == null || a.blob().data() == null ? a.blob()
                    : BlobRef.of(a.blob().sha256(), a.blob().size());
            EmbeddedMessage e = a.embedded();
            if (e != null && e.attachments() != null) {
                e = new EmbeddedMessage(e.messageClass(), e.properties(), e.recipients(), withoutData(e.attachments()));
            }
            out.add(new AttachmentItem(a.properties(), blob, a.missing(), e));
        }
        return out;
    }

    private static long countAttachments(List<AttachmentItem> atts) {
        long n = atts.size();
        for (AttachmentItem a : atts) {
            if (a.embedded() != null && a.embedded().attachments() != null) {
                n += countAttachments(a.embedded().attachments());
            }
        }
        return n;
    }

    private void flushBatch() {
        Batch b = st.batch;
        st.batch = new Batch();
        if (b.count == 0) {
            return;
        }
        long ordinal = st.ordinal++;
        StoreRun run = st;
        StoreReport rep = run.rep;
        if (settings.dryRun()) {
            count(rep, b);
            return;
        }
        String done = journal.batchDone(run.guid, ordinal);
        if (done != null) {
            if (!done.isEmpty() && !done.equals(b.lastKey())) {
                throw new KgmException("the journal " + journal.file() + " does not match this input (batch " + ordinal
                        + " of store " + run.guid + " ended with " + done + ", now with " + b.lastKey() + "): remove the"
                        + " journal and run again (the importer skips what it already has)");
            }
            deleteBlobs(b);
            count(rep, b);
            rep.present.addAndGet(b.count);
            rep.batchesFromJournal.incrementAndGet();
            return;
        }
        if (!run.delivering()) {
            deleteBlobs(b);
            return;
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KgmException("interrupted");
        }
        run.inflight.removeIf(Future::isDone);
        run.inflight.add(executor.submit(() -> {
            try {
                deliver(run, b, ordinal);
            } finally {
                deleteBlobs(b);
                slots.release();
            }
        }));
    }

    private void count(StoreReport rep, Batch b) {
        rep.messages.addAndGet(b.count);
        rep.attachments.addAndGet(b.attachments);
        rep.attachmentBytes.addAndGet(b.attachmentBytes);
        if (progress != null) {
            progress.messages.addAndGet(b.count);
        }
    }

    private void deleteBlobs(Batch b) {
        for (Blob bl : b.blobs.values()) {
            if (bl.file() != null) {
                try {
                    Files.deleteIfExists(bl.file());
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", bl.file(), e.toString());
                }
            }
        }
    }

    /**
     * Which of {@code part} the server does not have (or has with another size): one blob query
     * (API 1.1), or a HEAD per blob from a 1.0 server.
     */
    private Set<String> lacking(StoreRun run, List<Blob> part) {
        Set<String> missing = new HashSet<>();
        if (blobQueryMax > 0) {
            for (BlobRef m : client.missingBlobs(part.stream().map(bl -> BlobRef.of(bl.sha256(), bl.size())).toList(),
                    run.guid)) {
                missing.add(m.sha256());
            }
        } else {
            for (Blob bl : part) {
                if (client.blobSize(bl.sha256(), run.guid) != bl.size()) {
                    missing.add(bl.sha256());
                }
            }
        }
        return missing;
    }

    /** Runs on a delivery thread: blobs the server lacks, then the batch. */
    private void deliver(StoreRun run, Batch b, long ordinal) {
        StoreReport rep = run.rep;
        try {
            List<Blob> ask = new ArrayList<>();
            for (Blob bl : b.blobs.values()) {
                if (recentBlobs.containsKey(bl.sha256())) {
                    rep.blobsPresent.incrementAndGet();
                } else {
                    ask.add(bl);
                }
            }
            int step = blobQueryMax > 0 ? blobQueryMax : Math.max(1, ask.size());
            for (int from = 0; from < ask.size(); from += step) {
                List<Blob> part = ask.subList(from, Math.min(ask.size(), from + step));
                Set<String> missing = lacking(run, part);
                for (Blob bl : part) {
                    if (missing.contains(bl.sha256())) {
                        upload(run, bl);
                    } else {
                        rep.blobsPresent.incrementAndGet();
                    }
                    recentBlobs.put(bl.sha256(), Boolean.TRUE);
                }
            }
            byte[] body = b.take();
            MessageBatchResult res = client.messages(run.upn, run.guid, body);
            if (progress != null) {
                progress.uploadedBytes.addAndGet(body.length);
            }
            rep.blobsInline.addAndGet(b.inlineCount);
            rep.blobBytesInline.addAndGet(b.inlineBytes);
            rep.blobsPresent.addAndGet(b.knownBlobs);
            int refused = 0;
            for (ItemResult ir : res.items()) {
                if (ir.status().equals(ImportApi.IMPORTED) || ir.status().equals(ImportApi.PRESENT)) {
                    // the message is stored, so is every blob it refers to
                    for (String sha : b.inlineByKey.getOrDefault(
                            String.valueOf(ir.sourceKey()).toUpperCase(java.util.Locale.ROOT), List.of())) {
                        recentBlobs.put(sha, Boolean.TRUE);
                    }
                }
                switch (ir.status()) {
                    case ImportApi.IMPORTED -> rep.imported.incrementAndGet();
                    case ImportApi.PRESENT -> rep.present.incrementAndGet();
                    case ImportApi.SKIPPED -> {
                        String reason = "importer: " + (ir.reason() == null ? "skipped" : ir.reason());
                        rep.skip(reason, 1, "message " + ir.sourceKey());
                        LOG.warn("the importer skipped message {} of store {}: {}", ir.sourceKey(), run.guid, ir.reason());
                    }
                    default -> {
                        refused++;
                        rep.fail(1, "message " + ir.sourceKey() + ": " + ir.reason());
                        LOG.error("the importer refused message {} of store {}: {}", ir.sourceKey(), run.guid, ir.reason());
                    }
                }
            }
            count(rep, b);
            rep.batches.incrementAndGet();
            if (refused == 0) {
                journal.batch(run.guid, ordinal, b.count, b.lastKey());
            }
        } catch (ApiFailure f) {
            rep.fail(b.count, "batch " + ordinal + " (" + b.count + " messages, " + b.keys.get(0) + " .. " + b.lastKey()
                    + "): " + f.getMessage());
            failStore(run, f, "batch " + ordinal);
        } catch (RuntimeException e) {
            rep.fail(b.count, "batch " + ordinal + ": " + e);
            report.fatal("internal error delivering batch " + ordinal + " of store " + run.guid + ": " + e);
            stop.set(true);
            LOG.error("internal error", e);
        }
    }

    private void upload(StoreRun run, Blob bl) {
        if (bl.file() == null) {
            throw new IllegalStateException("attachment data " + bl.sha256() + " was not spooled");
        }
        client.putBlob(bl.sha256(), bl.file(), run.guid);
        run.rep.blobsUploaded.incrementAndGet();
        run.rep.blobBytesUploaded.addAndGet(bl.size());
        if (progress != null) {
            progress.uploadedBytes.addAndGet(bl.size());
        }
    }

    /** A request of the store failed for good: a transport failure stops the run, a refusal the store. */
    private void failStore(StoreRun run, ApiFailure f, String what) {
        if (f.transport()) {
            report.fatal(f.getMessage());
            stop.set(true);
        }
        synchronized (run) {
            if (!run.failed) {
                run.failed = true;
                run.rep.status = Status.FAILED;
                run.rep.reason = what + ": " + f.getMessage();
                LOG.error("store {} -> {} failed at {}: {}", run.guid, run.upn, what, f.getMessage());
            }
        }
    }

    private void onStoreEnd() {
        StoreRun run = st;
        if (run.skip != null) {
            return;
        }
        long dropped = mapper.dropped() - run.droppedAtStart;
        if (dropped > 0) {
            run.rep.skip("property of a type the importer does not accept (left out of its object)", dropped,
                    "e.g. " + mapper.lastDropped());
            LOG.warn("store {}: {} properties of types the importer does not accept were left out, e.g. {}", run.guid,
                    dropped, mapper.lastDropped());
        }
        flushFolders();
        flushBatch();
        for (Future<?> f : run.inflight) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KgmException("interrupted");
            } catch (ExecutionException e) {
                LOG.error("delivery failed", e.getCause());
            }
        }
        run.inflight.clear();
        run.rep.end();
        if (progress != null) {
            progress.stores.incrementAndGet();
        }
        if (settings.dryRun()) {
            run.rep.status = Status.WOULD_IMPORT;
            return;
        }
        if (run.failed || stop.get()) {
            if (run.rep.status == null) {
                run.rep.status = Status.FAILED;
                run.rep.reason = report.fatal();
            }
            return;
        }
        try {
            run.rep.server = client.complete(run.upn, run.guid);
            if (run.rep.failed.get() == 0) {
                journal.complete(run.guid, run.upn);
            }
            run.rep.status = run.rep.failed.get() == 0 ? Status.IMPORTED : Status.FAILED;
            if (run.rep.failed.get() > 0) {
                run.rep.reason = run.rep.failed.get() + " item(s) refused by the importer; run again to retry them";
            }
            LOG.info("store {} -> {}: {} messages ({} imported, {} already there), {} skipped", run.guid, run.upn,
                    run.rep.messages.get(), run.rep.imported.get(), run.rep.present.get(), run.rep.skippedTotal());
        } catch (ApiFailure f) {
            failStore(run, f, "completion");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static <T> T call(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (ApiFailure f) {
            throw new KgmException(f.getMessage());
        }
    }
}
