package org.kgmigration.kopano;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.kgmigration.stream.DumpFormat;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.RecordSink;
import org.kgmigration.stream.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one folder: its record, its messages (normal, then associated; soft-deleted ones only when
 * asked) with recipients, attachments, attachment data and embedded messages, and its end record.
 *
 * <p>Database work per folder (docs/performance.md): one query for the folder's properties, then per
 * page of up to {@code pageSize} message ids one page query, and per batch of messages (bounded by
 * {@code batchBytes} of PR_MESSAGE_SIZE and {@code batchMessages}) two queries per nesting level
 * (children with their attachment instances; all properties of the messages and children), and
 * with {@code database} attachment storage one more that streams the {@code lob} chunks of all the
 * batch's attachments while they are written ({@link LobReader}). Only one batch is in memory at a
 * time; attachment data is streamed in chunks. One instance per connection and thread.
 */
final class FolderReader {
    private static final Logger LOG = LoggerFactory.getLogger(FolderReader.class);
    static final int MAX_DEPTH = 64;

    static final int PR_OBJECT_TYPE = 0x0FFE0003;
    static final int PR_ENTRYID = 0x0FFF0102;
    static final int PR_SOURCE_KEY = 0x65E00102;
    static final int PR_MESSAGE_FLAGS = 0x0E070003;
    static final int PR_SUBJECT = 0x0037001F;
    static final int PR_ROWID = 0x30000003;
    static final int PR_ATTACH_NUM = 0x0E210003;
    static final int PR_ATTACH_METHOD = 0x37050003;
    static final int PR_ATTACH_LONG_FILENAME = 0x3707001F;
    static final int PR_ATTACH_FILENAME = 0x3704001F;
    static final int PR_DISPLAY_NAME = 0x3001001F;
    static final int PR_EC_CONTACT_ENTRYID = 0x67100102;
    static final int ATTACH_BY_VALUE = 1;
    static final int ATTACH_EMBEDDED_MSG = 5;
    static final int ATTACH_OLE = 6;

    /** Threads that read the next batch while one is written (daemons; idle ones end after a minute). */
    private static final ExecutorService READ_AHEAD = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "kgdump-read-ahead-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });

    private final Connection conn;
    private final ReadContext ctx;
    /** The read-ahead running on {@link #conn} while a batch is written, or null. */
    private volatile Future<Loaded> readingAhead;
    /** Attachment data passes through this one buffer (allocated once: it is a humongous object for G1). */
    private byte[] dataBuf;
    private final StoreContext store;
    private final PropReader props;

    FolderReader(Connection conn, ReadContext ctx, StoreContext store) {
        this.conn = conn;
        this.ctx = ctx;
        this.store = store;
        this.props = new PropReader(ctx.names(), store.tally);
    }

    Connection connection() {
        return conn;
    }

    /** An object below a folder message: the message itself, a recipient, an attachment, an embedded message. */
    private static final class Obj {
        final long hid;
        final int type;
        final int flags;
        long size;
        Long instanceId;
        String filename;
        PropReader.Bag bag;
        final List<Obj> children = new ArrayList<>();

        Obj(long hid, int type, int flags) {
            this.hid = hid;
            this.type = type;
            this.flags = flags;
        }
    }

    /** Per-folder counts for FolderEnd. */
    private static final class Count {
        long messages;
        long associated;
        long attachments;
        long bytes;
    }

    void dump(FolderNode f, RecordSink out) throws IOException {
        try {
            dumpFolder(f, out);
        } catch (SQLException e) {
            throw new SourceException("reading " + store.describe() + " folder '" + f.path() + "' failed: "
                    + KopanoConnector.firstLine(e.getMessage()), e);
        }
    }

    private void dumpFolder(FolderNode f, RecordSink out) throws IOException, SQLException {
        Map<Long, PropReader.Bag> bags = new HashMap<>();
        try (PreparedStatement ps = Sql.prepare(conn, "object-props.sql", Map.of(), List.of(f.hid));
             ResultSet rs = ps.executeQuery()) {
            props.readAll(rs, bags, hid -> store.describe() + " folder '" + f.path() + "'");
        }
        PropReader.Bag bag = bags.get(f.hid);
        List<Prop> folderProps = withProp(bag == null ? List.of() : bag.props(), Prop.of(PR_OBJECT_TYPE, 3));
        boolean folderDeleted = f.isDeleted();
        out.write(new DumpRecord.Folder(f.id(), f.parent == null ? null : f.parent.id(), store.roles.get(f.hid),
                folderDeleted, folderProps, store.acls.getOrDefault(f.hid, List.of())));
        store.tally.folders.increment();
        Count count = new Count();
        List<Integer> flagValues = new ArrayList<>(f.census.keySet());
        // normal messages first, then associated ones; soft-deleted ones after those
        flagValues.sort(Comparator.comparingInt((Integer v) -> v & FolderNode.FLAG_DELETED)
                .thenComparingInt(v -> v & FolderNode.FLAG_ASSOCIATED).thenComparingInt(v -> v));
        for (int v : flagValues) {
            boolean deleted = folderDeleted || (v & FolderNode.FLAG_DELETED) != 0;
            if (deleted && !ctx.options().includeSoftDeleted()) {
                continue; // counted per store from the census
            }
            dumpMessages(f, v, deleted, out, count);
        }
        out.write(new DumpRecord.FolderEnd(f.id(), count.messages, count.associated, count.attachments, count.bytes));
        ctx.listener().folderDone(f);
    }

    private void dumpMessages(FolderNode f, int flagValue, boolean deleted, RecordSink out, Count count)
            throws IOException, SQLException {
        DumpOptions o = ctx.options();
        long last = 0;
        while (true) {
            List<long[]> page = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(conn, "message-page.sql", f.hid, flagValue, last, o.pageSize());
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
            List<List<long[]>> batches = new ArrayList<>();
            int i = 0;
            while (i < page.size()) {
                List<long[]> batch = new ArrayList<>();
                long bytes = 0;
                while (i < page.size() && batch.size() < o.batchMessages()
                        && (batch.isEmpty() || bytes + page.get(i)[1] <= o.batchBytes())) {
                    bytes += page.get(i)[1];
                    batch.add(page.get(i++));
                }
                batches.add(batch);
            }
            dumpBatches(f, flagValue, deleted, batches, out, count);
            if (page.size() < o.pageSize()) {
                break;
            }
            last = page.get(page.size() - 1)[0];
        }
    }

    /**
     * Reads and writes the batches of a page. Read-ahead: while a batch is written (attachment files
     * read, records encoded), the next batch's statements already run on the connection, on a
     * helper thread, so that the database's work and ours overlap. Not while a batch reads its
     * data from the {@code lob} table (that streams on the connection during the write); and when
     * the write falls back to the lob table for a missing file, it first waits for the read-ahead
     * (see {@link #awaitConnection}). At most two batches are in memory. The attachment files of each
     * batch are read into the page cache ({@link FilePrefetch}) as soon as its rows are loaded.
     */
    private void dumpBatches(FolderNode f, int flagValue, boolean deleted, List<List<long[]>> batches,
                             RecordSink out, Count count) throws IOException, SQLException {
        Future<Loaded> ahead = null;
        try {
            for (int b = 0; b < batches.size(); b++) {
                Loaded cur = ahead != null ? result(ahead) : loadBatch(f, flagValue, batches.get(b));
                ahead = null;
                if (b + 1 < batches.size() && cur.plan().isEmpty()) {
                    List<long[]> next = batches.get(b + 1);
                    ahead = READ_AHEAD.submit(() -> loadBatch(f, flagValue, next));
                }
                readingAhead = ahead;
                try {
                    writeBatch(f, deleted, cur, out, count);
                } finally {
                    readingAhead = null;
                }
            }
        } finally {
            if (ahead != null) {
                // a failure while writing: the connection must be idle before the caller ends it
                try {
                    ahead.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException e) {
                    LOG.debug("read-ahead after a failure", e.getCause());
                }
            }
        }
    }

    /** Waits until the read-ahead (if any) is done with the connection. */
    private void awaitConnection() {
        Future<Loaded> f = readingAhead;
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("interrupted", e);
        } catch (ExecutionException e) {
            // reported when the batch is taken
        }
    }

    private static Loaded result(Future<Loaded> f) throws SQLException, IOException {
        return Await.result(f, SQLException.class, "the read-ahead");
    }

    /** A batch whose rows are read: its top-level messages with everything below them, and its lob plan. */
    private record Loaded(List<Obj> top, List<Long> plan) {
    }

    /**
     * Reads a batch of top-level messages with everything below them (no output), and starts
     * reading its attachment files into the page cache.
     */
    private Loaded loadBatch(FolderNode f, int flagValue, List<long[]> batch) throws SQLException {
        Map<Long, Obj> objs = new HashMap<>();
        List<Obj> top = new ArrayList<>();
        for (long[] m : batch) {
            Obj o = new Obj(m[0], 5, flagValue);
            o.size = m[1];
            objs.put(o.hid, o);
            top.add(o);
        }
        Map<Long, PropReader.Bag> bags = new HashMap<>();
        LongFunction<String> describe = hid -> store.describe() + " folder '" + f.path() + "' object " + hid;
        List<Long> level = top.stream().map(o -> o.hid).toList();
        for (int depth = 0; !level.isEmpty(); depth++) {
            if (depth >= MAX_DEPTH) {
                store.tally.skip(Tally.TOO_DEEP, level.size());
                LOG.warn("{}: embedded messages nested deeper than {} levels are left out", describe.apply(level.get(0)),
                        MAX_DEPTH);
                for (Long hid : level) {
                    objs.get(hid).children.clear();
                }
                break;
            }
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(conn, "level-children.sql", ctx.schema().tokens(), level);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long inst = rs.getLong(5);
                    Long instance = rs.wasNull() ? null : inst;
                    rows.add(new Object[] {rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), instance,
                        rs.getString(6)});
                }
            }
            List<Long> next = new ArrayList<>();
            for (Object[] r : rows) {
                long hid = (Long) r[0];
                if (!objs.containsKey(hid)) {
                    Obj o = new Obj(hid, (Integer) r[2], (Integer) r[3]);
                    o.instanceId = (Long) r[4];
                    o.filename = (String) r[5];
                    objs.put(hid, o);
                }
            }
            for (Object[] r : rows) {
                Obj o = objs.get((Long) r[0]);
                Obj parent = objs.get((Long) r[1]);
                if (parent == null || parent.children.contains(o) || o == parent) {
                    continue;
                }
                parent.children.add(o);
                if (o.type == 5 && parent.type == 7) {
                    next.add(o.hid);
                }
            }
            try (PreparedStatement ps = Sql.prepare(conn, "level-props.sql", Map.of(), level);
                 ResultSet rs = ps.executeQuery()) {
                props.readAll(rs, bags, describe);
            }
            level = next;
        }
        bags.forEach((hid, b) -> {
            Obj o = objs.get(hid);
            if (o != null) {
                o.bag = b;
            }
        });
        objs.clear();
        bags.clear();
        List<Long> plan = new ArrayList<>();
        List<FilePrefetch.Instance> files = new ArrayList<>();
        for (Obj m : top) {
            planData(m, plan, files);
        }
        FilePrefetch.start(ctx.attachments(), files);
        return new Loaded(top, plan);
    }

    /** Writes a loaded batch in id order. */
    private void writeBatch(FolderNode f, boolean deleted, Loaded b, RecordSink out, Count count)
            throws IOException, SQLException {
        // all queries of the batch are done: the lob chunks stream on the same connection and snapshot
        try (LobReader lobs = new LobReader(conn, b.plan(), this::awaitConnection)) {
            for (Obj m : b.top()) {
                boolean assoc = (m.flags & FolderNode.FLAG_ASSOCIATED) != 0;
                String ctxText = store.describe() + " folder '" + f.path() + "' message " + m.hid;
                writeMessage(m, false, assoc, deleted, ctxText, out, count, lobs);
                if (assoc) {
                    count.associated++;
                    store.tally.associated.increment();
                } else {
                    count.messages++;
                    store.tally.messages.increment();
                }
                ctx.listener().messageDone(m.size);
                // let the collector take the batch as soon as it is written
                m.children.clear();
                m.bag = null;
            }
        }
    }

    /**
     * Adds the instances whose data {@link #writeMessage} will look for in the {@code lob} table
     * first to {@code plan}, and the others (files) to {@code files}, in the order it will ask for
     * them (it walks the message the same way).
     */
    private void planData(Obj m, List<Long> plan, List<FilePrefetch.Instance> files) {
        m.children.sort(Comparator.comparingLong(o -> o.hid));
        for (Obj a : m.children) {
            if (a.type != 7) {
                continue;
            }
            List<Obj> embedded = embedded(a);
            if (carriesMessage(a, attachMethod(a.bag == null ? List.of() : a.bag.props()), embedded)) {
                planData(embedded.get(0), plan, files);
            } else if (a.instanceId != null && ctx.attachments().lobFirst(a.filename)) {
                plan.add(a.instanceId);
            } else if (a.instanceId != null) {
                files.add(new FilePrefetch.Instance(a.instanceId, a.filename));
            }
        }
    }

    private static List<Obj> embedded(Obj a) {
        return a.children.stream().filter(c -> c.type == 5).toList();
    }

    /** Whether an attachment is written with its embedded message instead of data. */
    private static boolean carriesMessage(Obj a, Integer method, List<Obj> embedded) {
        return !embedded.isEmpty() && (a.instanceId == null || method != null && method == ATTACH_EMBEDDED_MSG);
    }

    private static Integer attachMethod(List<Prop> props) {
        return props.stream().filter(p -> p.tag() == PR_ATTACH_METHOD).map(p -> (Integer) p.value()).findFirst()
                .orElse(null);
    }

    private void writeMessage(Obj m, boolean embedded, boolean assoc, boolean deleted, String where, RecordSink out,
                              Count count, LobReader lobs) throws IOException, SQLException {
        m.children.sort(Comparator.comparingLong(o -> o.hid));
        List<Prop> mp = new ArrayList<>(m.bag == null ? List.of() : m.bag.props());
        if ((m.flags & FolderNode.FLAG_DELETED) != 0) {
            // Kopano mirrors its soft-delete bit into PR_MESSAGE_FLAGS; it is not a MAPI flag
            mp.replaceAll(p -> p.tag() == PR_MESSAGE_FLAGS && p.value() instanceof Integer i
                    ? Prop.of(PR_MESSAGE_FLAGS, i & ~FolderNode.FLAG_DELETED) : p);
        }
        mp = withProp(mp, Prop.of(PR_OBJECT_TYPE, 5));
        String id = null;
        if (!embedded) {
            id = FolderNode.stableId(binary(mp, PR_SOURCE_KEY), binary(mp, PR_ENTRYID), m.hid);
        }
        List<List<Prop>> recipients = new ArrayList<>();
        List<Obj> attachments = new ArrayList<>();
        for (Obj c : m.children) {
            if (c.type == 7) {
                attachments.add(c);
            } else {
                recipients.add(recipient(c, recipients.size()));
            }
        }
        String subject = string(mp, PR_SUBJECT);
        String here = where + (subject != null ? " ('" + subject + "')" : "");
        out.write(new DumpRecord.Message(id, assoc, deleted, embedded, mp, recipients));
        for (int i = 0; i < attachments.size(); i++) {
            writeAttachment(attachments.get(i), i, deleted, here, out, count, lobs);
        }
        out.write(new DumpRecord.MessageEnd());
    }

    private static List<Prop> recipient(Obj r, int row) {
        List<Prop> p = new ArrayList<>(r.bag == null ? List.of() : r.bag.props());
        Prop contact = find(p, PR_EC_CONTACT_ENTRYID);
        if (contact != null) {
            // Kopano stores a recipient's entry id under PR_EC_CONTACT_ENTRYID and swaps it on load
            p.remove(contact);
            p.removeIf(x -> x.tag() == PR_ENTRYID);
            p.add(Prop.of(PR_ENTRYID, contact.value()));
        }
        p = withProp(p, Prop.of(PR_OBJECT_TYPE, r.type));
        p = withProp(p, Prop.of(PR_ROWID, row));
        return p;
    }

    private void writeAttachment(Obj a, int num, boolean deleted, String where, RecordSink out, Count count,
                                 LobReader lobs) throws IOException, SQLException {
        List<Prop> ap = new ArrayList<>(a.bag == null ? List.of() : a.bag.props());
        ap.removeIf(p -> p.tag() == PR_ATTACH_NUM);
        ap.add(Prop.of(PR_ATTACH_NUM, num));
        ap = withProp(ap, Prop.of(PR_OBJECT_TYPE, 7));
        out.write(new DumpRecord.Attachment(ap));
        count.attachments++;
        store.tally.attachments.increment();
        Integer method = attachMethod(ap);
        List<Obj> embedded = embedded(a);
        String name = attachmentName(ap, num);
        if (carriesMessage(a, method, embedded)) {
            Obj e = embedded.get(0);
            e.children.sort(Comparator.comparingLong(o -> o.hid));
            writeMessage(e, true, false, deleted, where + " attachment " + name, out, count, lobs);
            if (embedded.size() > 1) {
                store.tally.skip(Tally.EXTRA_EMBEDDED, embedded.size() - 1);
                LOG.warn("{}: attachment {} holds {} embedded messages; only the first one is exported", where, name,
                        embedded.size());
            }
            out.write(new DumpRecord.AttachmentEnd(0, null, false, null));
            return;
        }
        if (a.instanceId != null) {
            writeData(a, name, where, out, count, lobs);
            return;
        }
        if (method != null && (method == ATTACH_BY_VALUE || method == ATTACH_OLE || method == ATTACH_EMBEDDED_MSG)) {
            missing(where, name, method == ATTACH_EMBEDDED_MSG ? "the embedded message is missing"
                    : "it has no data instance (no singleinstances row)", out, 0, null);
            return;
        }
        out.write(new DumpRecord.AttachmentEnd(0, null, false, null));
    }

    private void writeData(Obj a, String name, String where, RecordSink out, Count count, LobReader lobs)
            throws IOException, SQLException {
        AttachmentReader.Opened o = ctx.attachments().open(lobs, a.instanceId, a.filename);
        if (o.in() == null) {
            missing(where, name, o.problem(), out, 0, null);
            return;
        }
        MessageDigest sha = Sha256.digest();
        long n = 0;
        if (dataBuf == null) {
            dataBuf = new byte[DumpFormat.MAX_CHUNK];
        }
        byte[] buf = dataBuf;
        try (InputStream in = o.in()) {
            while (true) {
                int r;
                try {
                    r = in.readNBytes(buf, 0, buf.length);
                } catch (IOException e) {
                    missing(where, name, "reading " + o.location() + " failed after " + n + " bytes: " + e.getMessage()
                            + " (the data sent before is incomplete)", out, n, sha);
                    return;
                }
                if (r <= 0) {
                    break;
                }
                sha.update(buf, 0, r);
                out.data(buf, r);
                n += r;
            }
        }
        count.bytes += n;
        store.tally.attachmentBytes.add(n);
        // docs/dump-format.md 8.8: no sha256 for an attachment without data bytes
        out.write(new DumpRecord.AttachmentEnd(n, n == 0 ? null : HexFormat.of().formatHex(sha.digest()), false, null));
    }

    private void missing(String where, String name, String problem, RecordSink out, long sent, MessageDigest sha)
            throws IOException {
        String msg = where + ": data of attachment " + name + " is missing: " + problem;
        if (ctx.options().strict()) {
            throw new SourceException(msg + " (--strict)");
        }
        LOG.warn(msg);
        store.tally.missingAttachments.increment();
        out.write(new DumpRecord.AttachmentEnd(sent, sha == null || sent == 0 ? null : HexFormat.of().formatHex(sha.digest()),
                true, problem));
    }

    private static String attachmentName(List<Prop> ap, int num) {
        String n = string(ap, PR_ATTACH_LONG_FILENAME);
        if (n == null) {
            n = string(ap, PR_ATTACH_FILENAME);
        }
        if (n == null) {
            n = string(ap, PR_DISPLAY_NAME);
        }
        return "#" + num + (n == null ? "" : " '" + n + "'");
    }

    static Prop find(List<Prop> props, int tag) {
        for (Prop p : props) {
            if (p.tag() == tag) {
                return p;
            }
        }
        return null;
    }

    static byte[] binary(List<Prop> props, int tag) {
        Prop p = find(props, tag);
        return p != null && p.value() instanceof byte[] b ? b : null;
    }

    static String string(List<Prop> props, int tag) {
        Prop p = find(props, tag);
        return p != null && p.value() instanceof String s ? s : null;
    }

    /** {@code props} plus {@code extra} unless its tag is present, ordered by tag. */
    static List<Prop> withProp(List<Prop> props, Prop extra) {
        List<Prop> out = new ArrayList<>(props);
        if (find(out, extra.tag()) == null) {
            out.add(extra);
        }
        out.sort((a, b) -> Integer.compareUnsigned(a.tag(), b.tag()));
        return out;
    }
}
