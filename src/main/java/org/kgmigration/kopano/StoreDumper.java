package org.kgmigration.kopano;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.RecordSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one store: its record (properties, owner, permissions, receive folders, special-folder
 * roles), its folders parent-before-child, and its end record with the totals. The store is read
 * inside one consistent snapshot; with {@code --concurrency N} every worker connection starts its
 * own snapshot when the store starts.
 */
final class StoreDumper {
    private static final Logger LOG = LoggerFactory.getLogger(StoreDumper.class);
    static final int PR_OBJECT_TYPE = 0x0FFE0003;

    private final KopanoSource source;
    private final ReadContext ctx;
    private final FolderSpool spool;
    private final Supplier<Path> spoolDir;
    private final AtomicLong records;

    StoreDumper(KopanoSource source, ReadContext ctx, FolderSpool spool, Supplier<Path> spoolDir, AtomicLong records) {
        this.source = source;
        this.ctx = ctx;
        this.spool = spool;
        this.spoolDir = spoolDir;
        this.records = records;
    }

    DumpRecord.Totals dump(StoreInfo s, RecordSink out) throws IOException {
        KopanoConnector connector = source.connector();
        Tally tally = new Tally();
        Connection main = connector.snapshot();
        List<Connection> workers = new ArrayList<>();
        try {
            int n = spool == null ? 1 : ctx.options().concurrency();
            for (int i = 1; i < n; i++) {
                workers.add(connector.snapshot());
            }
            FolderTree tree = FolderTree.load(main, List.of(s.hid())).get(s.hid());
            FolderTree.census(main, List.of(tree));
            StoreStats stats = StoreStats.of(tree);
            ctx.listener().storeStarted(s, stats);

            List<DumpRecord.ReceiveFolder> receive = new ArrayList<>();
            FolderNode inbox = receiveFolders(main, s, tree, receive);
            FolderNode root = tree.roots().isEmpty() ? null : tree.roots().get(0);
            Set<Long> ids = new LinkedHashSet<>();
            ids.add(s.hid());
            if (root != null) {
                ids.add(root.hid);
            }
            if (inbox != null) {
                ids.add(inbox.hid);
            }
            Map<Long, PropReader.Bag> bags = new HashMap<>();
            try (PreparedStatement ps = Sql.prepare(main, "object-props.sql", Map.of(), List.copyOf(ids));
                 ResultSet rs = ps.executeQuery()) {
                new PropReader(ctx.names(), tally).readAll(rs, bags, hid -> "store " + s.guid() + " object " + hid);
            }
            List<Prop> storeProps = props(bags, s.hid());
            Map<String, FolderNode> roleFolders = Roles.find(tree, storeProps, root == null ? null : props(bags, root.hid),
                    inbox == null ? null : props(bags, inbox.hid), inbox);
            Map<Long, String> roles = new HashMap<>();
            Map<String, String> special = new LinkedHashMap<>();
            roleFolders.forEach((role, f) -> {
                special.put(role, f.id());
                roles.putIfAbsent(f.hid, role);
            });
            Map<Long, List<DumpRecord.Acl>> acls = acls(main, s, tree);
            storeProps = FolderReader.withProp(storeProps, Prop.of(PR_OBJECT_TYPE, 1));
            out.write(new DumpRecord.Store(s.guid(), s.kind(), s.owner(), storeProps, acls.getOrDefault(s.hid(), List.of()),
                    receive, special));
            records.incrementAndGet();

            boolean include = ctx.options().includeSoftDeleted();
            List<FolderNode> folders = new ArrayList<>();
            for (FolderNode f : tree.preorder()) {
                if (f.inSearch()) {
                    tally.skip(Tally.SEARCH_FOLDER);
                } else if (f.isDeleted() && !include) {
                    tally.skip(Tally.SOFT_DELETED_FOLDER);
                    tally.skip(Tally.MESSAGE_IN_DELETED_FOLDER, f.count(0, 0)[0]);
                } else {
                    if (!include) {
                        tally.skip(Tally.SOFT_DELETED_MESSAGE, f.count(FolderNode.FLAG_DELETED, FolderNode.FLAG_DELETED)[0]);
                    }
                    folders.add(f);
                }
            }
            StoreContext sc = new StoreContext(s, tree, roles, acls, tally);
            if (workers.isEmpty() || folders.size() < 2) {
                FolderReader r = new FolderReader(main, ctx, sc);
                RecordSink counted = counting(out);
                for (FolderNode f : folders) {
                    r.dump(f, counted);
                }
            } else {
                List<FolderReader> readers = new ArrayList<>();
                readers.add(new FolderReader(main, ctx, sc));
                for (Connection w : workers) {
                    readers.add(new FolderReader(w, ctx, sc));
                }
                FolderPool.run(folders, readers, spool, spoolDir.get(), (r, f, w) -> r.dump(f, counting(w)));
            }
            DumpRecord.Totals t = tally.totals();
            out.write(new DumpRecord.StoreEnd(s.guid(), t));
            records.incrementAndGet();
            ctx.listener().storeDone(s, t);
            LOG.debug("store {} done: {}", s.guid(), t);
            return t;
        } catch (SQLException e) {
            throw new SourceException("reading store " + s.guid() + " (" + s.label() + ") failed: "
                    + KopanoConnector.firstLine(e.getMessage()), e);
        } finally {
            KopanoConnector.endSnapshot(main);
            KopanoConnector.closeQuietly(main);
            for (Connection w : workers) {
                KopanoConnector.endSnapshot(w);
                KopanoConnector.closeQuietly(w);
            }
        }
    }

    private RecordSink counting(RecordSink out) {
        return new RecordSink() {
            @Override
            public void write(DumpRecord r) throws IOException {
                out.write(r);
                records.incrementAndGet();
            }

            @Override
            public void data(byte[] bytes, int length) throws IOException {
                out.data(bytes, length);
                records.incrementAndGet();
            }
        };
    }

    private static List<Prop> props(Map<Long, PropReader.Bag> bags, long hid) {
        PropReader.Bag b = bags.get(hid);
        return b == null ? List.of() : b.props();
    }

    /** The receive-folder table; returns the Inbox (class IPM.Note, else IPM, else the default ''). */
    private static FolderNode receiveFolders(Connection c, StoreInfo s, FolderTree tree,
                                             List<DumpRecord.ReceiveFolder> out) throws SQLException {
        Map<String, FolderNode> byClass = new HashMap<>();
        try (PreparedStatement ps = Sql.prepare(c, "receive-folders.sql", s.hid()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byte[] cls = rs.getBytes(1);
                String mc = cls == null ? "" : new String(cls, StandardCharsets.UTF_8);
                FolderNode f = tree.get(rs.getLong(2));
                if (f == null) {
                    LOG.debug("store {}: receive folder for '{}' is not a folder of the store (hid {})", s.guid(), mc,
                            rs.getLong(2));
                    continue;
                }
                byClass.put(mc, f);
                out.add(new DumpRecord.ReceiveFolder(mc, f.id()));
            }
        }
        out.sort((a, b) -> a.messageClass().compareTo(b.messageClass()));
        for (String cls : new String[] {"IPM.Note", "IPM", ""}) {
            FolderNode f = byClass.get(cls);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private Map<Long, List<DumpRecord.Acl>> acls(Connection c, StoreInfo s, FolderTree tree) throws SQLException {
        List<Long> ids = new ArrayList<>();
        ids.add(s.hid());
        for (FolderNode f : tree.all()) {
            ids.add(f.hid);
        }
        Map<Long, List<DumpRecord.Acl>> out = new HashMap<>();
        for (int i = 0; i < ids.size(); i += FolderTree.CHUNK) {
            List<Long> chunk = ids.subList(i, Math.min(ids.size(), i + FolderTree.CHUNK));
            try (PreparedStatement ps = Sql.prepare(c, "acl.sql", Map.of(), chunk); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int user = rs.getInt(2);
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new DumpRecord.Acl(user,
                            ctx.directory().principal(user), rs.getInt(3), rs.getLong(4)));
                }
            }
        }
        out.values().forEach(l -> l.sort((a, b) -> a.userId() != b.userId() ? Integer.compare(a.userId(), b.userId())
                : Integer.compare(a.type(), b.type())));
        return out;
    }
}
