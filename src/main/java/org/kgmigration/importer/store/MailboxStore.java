package org.kgmigration.importer.store;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.kgmigration.api.AttachmentItem;
import org.kgmigration.api.BlobRef;
import org.kgmigration.api.EmbeddedMessage;
import org.kgmigration.api.FolderResult;
import org.kgmigration.api.MessageItem;
import org.kgmigration.api.Property;
import org.kgmigration.api.StoreSummary;
import org.kgmigration.importer.BadRequestException;
import org.kgmigration.importer.MapiType;
import org.kgmigration.importer.MessageChecker;
import org.kgmigration.importer.PropertyCodec.Stored;
import org.mariadb.jdbc.MariaDbPoolDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailbox store: target users, folders, messages with all their properties, recipients,
 * attachments and embedded messages, and content-addressed attachment data (SHA-256, stored once
 * however many attachments share it, streamed so that no piece of it is ever held whole in memory):
 * in pack files of {@link BlobFiles} beside the database, forced to disk before the rows naming them
 * are committed, or with {@code blob_store: database} in 256 KiB chunk rows. Plain JDBC on H2
 * (embedded) or MariaDB; every write is one transaction.
 */
public final class MailboxStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxStore.class);
    /** Size of one stored piece of attachment data. */
    public static final int CHUNK = 256 * 1024;

    /** Well-known folders every mailbox has: role, display name, container class. */
    public static final Map<String, String[]> WELL_KNOWN;

    static {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("inbox", new String[] {"Inbox", "IPF.Note"});
        m.put("sent", new String[] {"Sent Items", "IPF.Note"});
        m.put("drafts", new String[] {"Drafts", "IPF.Note"});
        m.put("deleted", new String[] {"Deleted Items", "IPF.Note"});
        m.put("outbox", new String[] {"Outbox", "IPF.Note"});
        m.put("junk", new String[] {"Junk E-mail", "IPF.Note"});
        m.put("calendar", new String[] {"Calendar", "IPF.Appointment"});
        m.put("contacts", new String[] {"Contacts", "IPF.Contact"});
        m.put("tasks", new String[] {"Tasks", "IPF.Task"});
        m.put("notes", new String[] {"Notes", "IPF.StickyNote"});
        m.put("journal", new String[] {"Journal", "IPF.Journal"});
        WELL_KNOWN = java.util.Collections.unmodifiableMap(m);
    }

    private final DataSource ds;
    private final AutoCloseable pool;
    private final StoreLocation location;
    private final StoreLocation.Dialect dialect;
    /** Where attachment data goes, or null: into imp_blob_chunk rows. */
    private final BlobFiles files;

    private MailboxStore(DataSource ds, AutoCloseable pool, StoreLocation location) {
        this.ds = ds;
        this.pool = pool;
        this.location = location;
        this.dialect = location.dialect();
        this.files = location.blobDir() == null ? null : new BlobFiles(location.blobDir());
    }

    /** Opens the store and creates its tables when missing. */
    public static MailboxStore open(StoreLocation loc) {
        StoreLocation.Dialect d = loc.dialect();
        DataSource ds;
        AutoCloseable pool;
        try {
            if (d == StoreLocation.Dialect.H2) {
                JdbcConnectionPool p = JdbcConnectionPool.create(loc.url(), loc.user() == null ? "sa" : loc.user(),
                        loc.password() == null ? "" : loc.password());
                p.setMaxConnections(32);
                ds = p;
                pool = p::dispose;
            } else {
                MariaDbPoolDataSource p = new MariaDbPoolDataSource(loc.url());
                if (loc.user() != null) {
                    p.setUser(loc.user());
                }
                if (loc.password() != null) {
                    p.setPassword(loc.password());
                }
                ds = p;
                pool = p;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot open the mailbox store " + loc.redacted() + ": " + e.getMessage(), e);
        }
        MailboxStore s = new MailboxStore(ds, pool, loc);
        try (Connection c = s.connection()) {
            Schema.create(c, d);
            s.checkBlobStore(c);
        } catch (SQLException | IOException e) {
            s.close();
            throw new StoreException("cannot open the mailbox store " + loc.redacted() + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Makes sure the attachment data directory belongs to this store: the store's id in
     * {@code imp_meta} and the directory's {@code store-id} must agree (a new store and a new
     * directory get a fresh id). A store with data in pack files cannot be opened without them.
     */
    private void checkBlobStore(Connection c) throws SQLException, IOException {
        c.setAutoCommit(true);
        String dbId = meta(c, "blob_store_id");
        boolean hasPacks;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM imp_blob WHERE pack_offset IS NOT NULL"
                + (dialect == StoreLocation.Dialect.MARIADB ? " LIMIT 1" : " FETCH FIRST 1 ROWS ONLY"));
             ResultSet rs = ps.executeQuery()) {
            hasPacks = rs.next();
        }
        if (files == null) {
            if (hasPacks) {
                throw new StoreException("the mailbox store " + location.redacted() + " keeps attachment data in files"
                        + " (data_dir/blobs), but blob_store is database: set blob_store: files and the data_dir it was"
                        + " written with");
            }
            return;
        }
        String dirId = files.readId();
        if (dbId == null && dirId == null) {
            String id = UUID.randomUUID().toString();
            files.writeId(id);
            dirId = files.readId();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO imp_meta (name, val) VALUES ('blob_store_id', ?)")) {
                ps.setString(1, dirId);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!Schema.isDuplicate(e)) {
                    throw e;
                }
            }
            dbId = meta(c, "blob_store_id");
        } else if (dbId == null && !hasPacks) {
            throw new StoreException("the attachment data directory " + files.dir() + " belongs to another mailbox store"
                    + " (store-id " + dirId + "), not to " + location.redacted() + ": give this store its own data_dir");
        }
        // A directory without an id never takes the store's, even before any data is in files: it
        // would be a second importer's, whose packs the first could not read (and the other way round).
        if (dbId == null || !dbId.equals(dirId)) {
            throw new StoreException("the mailbox store " + location.redacted() + " keeps its attachment data in "
                    + (dbId == null ? "an unknown directory" : "the directory with store-id " + dbId) + ", but "
                    + files.dir() + (dirId == null ? " has none" : " has " + dirId)
                    + ": set data_dir to the directory it was written with (several importers on one store need"
                    + " blob_store: database)");
        }
    }

    private static String meta(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT val FROM imp_meta WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The attachment data directory, or null when the data is kept in the database. */
    public java.nio.file.Path blobDir() {
        return files == null ? null : files.dir();
    }

    /** The store for messages: URL without password. */
    public String describe() {
        return location.redacted();
    }

    public StoreLocation.Dialect dialect() {
        return dialect;
    }

    /** The server's limit on one statement (MariaDB max_allowed_packet), or -1 when unlimited. */
    public long maxStatementBytes() {
        if (dialect != StoreLocation.Dialect.MARIADB) {
            return -1;
        }
        try (Connection c = connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@max_allowed_packet")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            throw new StoreException("reading max_allowed_packet: " + e.getMessage(), e);
        }
    }

    private Connection connection() throws SQLException {
        Connection c = ds.getConnection();
        if (dialect == StoreLocation.Dialect.MARIADB) {
            try (Statement s = c.createStatement()) {
                // a batch of one user waits for the previous one instead of failing after 50 s
                s.execute("SET SESSION innodb_lock_wait_timeout = 600");
            }
        }
        return c;
    }

    @Override
    public void close() {
        try {
            pool.close();
        } catch (Exception e) {
            LOG.warn("closing the mailbox store: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------- users

    /** Normalises a user principal name (lower case, trimmed) and checks its form. */
    public static String normalizeUpn(String upn) {
        String u = upn == null ? "" : upn.trim().toLowerCase(Locale.ROOT);
        if (!u.matches("[^\\s@/\\\\]+@[^\\s@/\\\\]+") || u.length() > 320) {
            throw new IllegalArgumentException("'" + upn + "' is not a user principal name (user@domain)");
        }
        return u;
    }

    /** Adds a user with the well-known folders. */
    public UserRow addUser(String upn, String displayName, boolean active, Long quotaBytes) {
        String u = normalizeUpn(upn);
        return tx(c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO imp_user (upn, display_name, active,"
                    + " quota_bytes, usage_bytes, message_count, created_at) VALUES (?, ?, ?, ?, 0, 0, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, u);
                ps.setString(2, displayName);
                ps.setBoolean(3, active);
                setLong(ps, 4, quotaBytes);
                ps.setTimestamp(5, now());
                ps.executeUpdate();
                id = generatedId(ps);
            } catch (SQLException e) {
                if (Schema.isDuplicate(e)) {
                    throw new IllegalArgumentException("user " + u + " already exists");
                }
                throw e;
            }
            ensureWellKnown(c, id);
            return findUser(c, u, false);
        });
    }

    /** The user, or null. */
    public UserRow user(String upn) {
        String u = normalizeUpn(upn);
        return tx(c -> findUser(c, u, false));
    }

    public List<UserRow> users() {
        return tx(c -> {
            List<UserRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(USER_COLUMNS + " ORDER BY upn");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(userRow(rs));
                }
            }
            return out;
        });
    }

    /** @return false when the user does not exist */
    public boolean setActive(String upn, boolean active) {
        return update("UPDATE imp_user SET active = ? WHERE upn = ?", normalizeUpn(upn), ps -> ps.setBoolean(1, active));
    }

    /** @return false when the user does not exist */
    public boolean setQuota(String upn, Long quotaBytes) {
        return update("UPDATE imp_user SET quota_bytes = ? WHERE upn = ?", normalizeUpn(upn),
                ps -> setLong(ps, 1, quotaBytes));
    }

    /**
     * Removes a user. A mailbox with content is only removed with {@code purge}, which deletes all of
     * it (attachment data stays: other mailboxes may share it).
     *
     * @return false when the user does not exist
     */
    public boolean removeUser(String upn, boolean purge) {
        String u = normalizeUpn(upn);
        return tx(c -> {
            UserRow r = findUser(c, u, true);
            if (r == null) {
                return false;
            }
            if (r.messageCount() > 0 && !purge) {
                throw new IllegalStateException("mailbox " + u + " holds " + r.messageCount()
                        + " messages; add --purge to delete them with the user");
            }
            long id = r.id();
            String msgs = "SELECT id FROM imp_message WHERE user_id = ?";
            for (String table : List.of("imp_props", "imp_property")) {
                exec(c, "DELETE FROM " + table + " WHERE owner_kind = 'R' AND owner_id IN (SELECT r.id FROM imp_recipient r"
                        + " WHERE r.message_id IN (" + msgs + "))", id);
                exec(c, "DELETE FROM " + table + " WHERE owner_kind = 'A' AND owner_id IN (SELECT a.id FROM imp_attachment a"
                        + " WHERE a.message_id IN (" + msgs + "))", id);
                exec(c, "DELETE FROM " + table + " WHERE owner_kind = 'M' AND owner_id IN (" + msgs + ")", id);
                exec(c, "DELETE FROM " + table + " WHERE owner_kind = 'S' AND owner_id IN (SELECT id FROM imp_folder_source"
                        + " WHERE user_id = ?)", id);
            }
            exec(c, "DELETE FROM imp_recipient WHERE message_id IN (" + msgs + ")", id);
            exec(c, "DELETE FROM imp_attachment WHERE message_id IN (" + msgs + ")", id);
            exec(c, "DELETE FROM imp_message WHERE user_id = ?", id);
            exec(c, "DELETE FROM imp_folder_source WHERE user_id = ?", id);
            exec(c, "DELETE FROM imp_folder WHERE user_id = ?", id);
            exec(c, "DELETE FROM imp_store_import WHERE user_id = ?", id);
            exec(c, "DELETE FROM imp_user WHERE id = ?", id);
            return true;
        });
    }

    private static final String USER_COLUMNS = "SELECT id, upn, display_name, active, quota_bytes, usage_bytes,"
            + " message_count FROM imp_user";

    private static UserRow findUser(Connection c, String upn, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(USER_COLUMNS + " WHERE upn = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, upn);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? userRow(rs) : null;
            }
        }
    }

    private static UserRow userRow(ResultSet rs) throws SQLException {
        long q = rs.getLong(5);
        Long quota = rs.wasNull() ? null : q;
        return new UserRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), quota, rs.getLong(6),
                rs.getLong(7));
    }

    private static void ensureWellKnown(Connection c, long userId) throws SQLException {
        java.util.Set<String> have = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT role FROM imp_folder WHERE user_id = ? AND role IS NOT NULL")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    have.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO imp_folder (user_id, parent_id, role, display_name,"
                + " container_class, created_at) VALUES (?, NULL, ?, ?, ?, ?)")) {
            for (Map.Entry<String, String[]> e : WELL_KNOWN.entrySet()) {
                if (!have.contains(e.getKey())) {
                    ps.setLong(1, userId);
                    ps.setString(2, e.getKey());
                    ps.setString(3, e.getValue()[0]);
                    ps.setString(4, e.getValue()[1]);
                    ps.setTimestamp(5, now());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    // ---------------------------------------------------------------- blobs

    /** Size of the stored blob, or null when it is not stored. */
    public Long blobSize(String sha256) {
        return blobSizes(List.of(sha256)).get(sha256);
    }

    /** Sizes of those of {@code sha256s} that are stored (absent from the map: not stored). */
    public Map<String, Long> blobSizes(java.util.Collection<String> sha256s) {
        List<String> all = new ArrayList<>(new java.util.LinkedHashSet<>(sha256s));
        return tx(c -> {
            Map<String, Long> out = new HashMap<>();
            storedSizes(c, all, out);
            return out;
        });
    }

    /** Puts the stored size of each of {@code sha256s} that is stored into {@code out}. */
    private static void storedSizes(Connection c, List<String> sha256s, Map<String, Long> out) throws SQLException {
        selectIn(c, "SELECT sha256, size_bytes FROM imp_blob WHERE sha256", sha256s,
                rs -> out.put(rs.getString(1), rs.getLong(2)));
    }

    /** Reads one row of a result. */
    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /**
     * Runs {@code select} + {@code " IN (?, …)"} for {@code values}, one statement per {@link #IN_LIST}
     * of them, and hands every row to {@code row}.
     */
    private static void selectIn(Connection c, String select, List<String> values, RowReader row) throws SQLException {
        for (int from = 0; from < values.size(); from += IN_LIST) {
            List<String> part = values.subList(from, Math.min(values.size(), from + IN_LIST));
            try (PreparedStatement ps = c.prepareStatement(select + " IN ("
                    + String.join(", ", java.util.Collections.nCopies(part.size(), "?")) + ")")) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setString(i + 1, part.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        row.read(rs);
                    }
                }
            }
        }
    }

    /**
     * Stores attachment data read from {@code in} under its SHA-256, streaming it in chunks. When the
     * data is already stored, {@code in} is not read.
     *
     * @return true when stored now, false when it was already there
     * @throws BadRequestException when the data is larger than {@code maxBytes} or its SHA-256 is not
     *                             {@code sha256}; nothing is stored then
     */
    public boolean putBlob(String sha256, InputStream in, long maxBytes) {
        if (blobSize(sha256) != null) {
            return false;
        }
        if (files != null) {
            return putBlobFile(sha256, in, maxBytes);
        }
        // The chunks are written under a fresh upload id and committed every few MiB, so that a large
        // blob never makes one huge transaction (which H2 would partly hold in memory). They are
        // invisible until the imp_blob row naming the upload id is committed; a failed upload
        // deletes its chunks, and 'serve' removes any left over by a crash when it starts.
        String upload = UUID.randomUUID().toString();
        boolean done = false;
        try {
            boolean stored = tx(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO imp_blob_chunk (upload_id, seq, data) VALUES (?, ?, ?)")) {
                    int[] seq = {0};
                    long size = receive(sha256, in, maxBytes, (buf, n) -> {
                        ps.setString(1, upload);
                        ps.setInt(2, seq[0]++);
                        ps.setBytes(3, n == buf.length ? buf : java.util.Arrays.copyOf(buf, n));
                        ps.executeUpdate();
                        if (seq[0] % 8 == 0) {
                            c.commit();
                        }
                    });
                    insertBlobRow(c, sha256, size, upload, null);
                }
                return true;
            }, AlreadyStored.class, false);
            done = stored;
            return stored;
        } finally {
            if (!done) {
                deleteChunks(upload);
            }
        }
    }

    /** {@link #putBlob} into a pack file of its own: written and forced to disk, then its row committed. */
    private boolean putBlobFile(String sha256, InputStream in, long maxBytes) {
        BlobFiles.Pack pack;
        try {
            pack = files.create();
        } catch (IOException e) {
            throw new StoreException("cannot create an attachment data file in " + files.dir() + ": " + e.getMessage(), e);
        }
        boolean keep = false;
        try {
            long size = receive(sha256, in, maxBytes, (buf, n) -> pack.append(buf, 0, n));
            pack.sync();
            keep = tx(c -> {
                insertBlobRow(c, sha256, size, pack.name(), 0L);
                return true;
            }, AlreadyStored.class, false);
            return keep;
        } catch (IOException | SQLException e) {
            throw new StoreException("storing attachment data in " + files.dir() + ": " + e.getMessage(), e);
        } finally {
            if (!keep) {
                discardUnless(pack);
            }
        }
    }

    /** Where {@link #receive} puts each piece of data it read. */
    @FunctionalInterface
    private interface BlobSink {
        void write(byte[] buf, int n) throws IOException, SQLException;
    }

    /**
     * Reads an upload to its end, {@link #CHUNK} bytes at a time, into {@code sink}, checking it against
     * {@code maxBytes} (before each piece is written) and its SHA-256 (at the end).
     *
     * @return its size
     * @throws BadRequestException when it is larger than {@code maxBytes} or its SHA-256 is not {@code sha256}
     */
    private static long receive(String sha256, InputStream in, long maxBytes, BlobSink sink) throws IOException, SQLException {
        MessageDigest md = MessageChecker.sha256Digest();
        byte[] buf = new byte[CHUNK];
        long size = 0;
        while (true) {
            int n = readFully(in, buf);
            if (n == 0) {
                break;
            }
            size += n;
            if (size > maxBytes) {
                throw new BadRequestException("blob " + sha256 + " is larger than max_blob_bytes (" + maxBytes + " bytes)");
            }
            md.update(buf, 0, n);
            sink.write(buf, n);
            if (n < buf.length) {
                break;
            }
        }
        String got = HexFormat.of().formatHex(md.digest());
        if (!got.equals(sha256)) {
            throw new BadRequestException("the uploaded data has SHA-256 " + got + ", not " + sha256
                    + " (" + size + " bytes received): corrupted or truncated upload, nothing stored");
        }
        return size;
    }

    /**
     * The imp_blob row of an upload: in pack {@code upload} at {@code offset}, or in chunks under
     * {@code upload} when {@code offset} is null.
     *
     * @throws AlreadyStored when a concurrent upload of the same data stored it first (ours is dropped)
     */
    private static void insertBlobRow(Connection c, String sha256, long size, String upload, Long offset) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO imp_blob (sha256, size_bytes, upload_id, pack_offset,"
                + " created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, sha256);
            ps.setLong(2, size);
            ps.setString(3, upload);
            setLong(ps, 4, offset);
            ps.setTimestamp(5, now());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (Schema.isDuplicate(e)) {
                throw new AlreadyStored();
            }
            throw e;
        }
    }

    /**
     * Removes a pack whose rows were not committed, unless a row names it after all (a commit that
     * reported an error may still have happened): then it stays. When the check fails too, the pack
     * stays for {@link #removeIncompleteUploads}.
     */
    private void discardUnless(BlobFiles.Pack pack) {
        try {
            pack.close();
            boolean named = tx(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM imp_blob WHERE upload_id = ?")) {
                    ps.setString(1, pack.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                }
            });
            if (!named) {
                pack.discard();
            }
        } catch (IOException | StoreException e) {
            LOG.warn("could not remove the unused attachment data file {} (removed at the next start): {}", pack.name(),
                    e.getMessage());
        }
    }

    private void deleteChunks(String upload) {
        try {
            tx(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM imp_blob_chunk WHERE upload_id = ?")) {
                    ps.setString(1, upload);
                    return ps.executeUpdate();
                }
            });
        } catch (StoreException e) {
            LOG.warn("could not remove the chunks of failed upload {} (removed at the next start): {}", upload, e.getMessage());
        }
    }

    /**
     * Deletes the data of uploads and batches that never completed (the server stopped mid-upload, a
     * batch failed): chunks and pack files that no imp_blob row names. Call only when no upload can
     * be running, i.e. before the server starts listening; pack files written after this process
     * started are kept all the same.
     *
     * @return the number of chunks and pack files removed
     */
    public int removeIncompleteUploads() {
        return removeIncompleteUploads(java.time.Instant.ofEpochMilli(
                java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()));
    }

    /**
     * {@link #removeIncompleteUploads()} for the pack files last written before {@code before}: a
     * file written later may belong to a write still running (in this or another process).
     */
    public int removeIncompleteUploads(java.time.Instant before) {
        int removed = tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM imp_blob_chunk WHERE upload_id NOT IN"
                    + " (SELECT upload_id FROM imp_blob)")) {
                return ps.executeUpdate();
            }
        });
        if (files == null) {
            return removed;
        }
        // pack files no row names: written by a batch or upload that failed or was interrupted
        List<String> packs;
        try {
            packs = files.packsOlderThan(java.nio.file.attribute.FileTime.from(before));
        } catch (IOException e) {
            throw new StoreException("listing the attachment data files in " + files.dir() + ": " + e.getMessage(), e);
        }
        java.util.Set<String> named = tx(c -> {
            java.util.Set<String> out = new java.util.HashSet<>();
            selectIn(c, "SELECT DISTINCT upload_id FROM imp_blob WHERE upload_id", packs, rs -> out.add(rs.getString(1)));
            return out;
        });
        for (String p : packs) {
            if (!named.contains(p)) {
                try {
                    files.delete(p);
                    removed++;
                } catch (IOException e) {
                    LOG.warn("could not remove the unused attachment data file {}: {}", p, e.getMessage());
                }
            }
        }
        return removed;
    }

    /** Signals that a concurrent upload stored the same blob first. */
    private static final class AlreadyStored extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AlreadyStored() {
            super(null, null, false, false);
        }
    }

    private static int readFully(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int n = in.read(buf, off, buf.length - off);
            if (n < 0) {
                break;
            }
            off += n;
        }
        return off;
    }

    /** Reads a stored blob chunk by chunk (one chunk in memory at a time). */
    public InputStream openBlob(String sha256) {
        Object[] row = tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT upload_id, pack_offset, size_bytes FROM imp_blob WHERE sha256 = ?")) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    long off = rs.getLong(2);
                    Long offset = rs.wasNull() ? null : off;
                    return new Object[] {rs.getString(1), offset, rs.getLong(3)};
                }
            }
        });
        if (row == null) {
            return null;
        }
        String upload = (String) row[0];
        if (row[1] != null) {
            if (files == null) {
                throw new StoreException("blob " + sha256 + " is in an attachment data file, but blob_store is database");
            }
            try {
                return files.open(upload, (Long) row[1], (Long) row[2]);
            } catch (IOException e) {
                throw new StoreException("reading the attachment data of blob " + sha256 + ": " + e.getMessage(), e);
            }
        }
        return new java.io.SequenceInputStream(new java.util.Enumeration<InputStream>() {
            private int seq;
            private byte[] next = chunk(upload, 0);

            @Override
            public boolean hasMoreElements() {
                return next != null;
            }

            @Override
            public InputStream nextElement() {
                byte[] cur = next;
                next = chunk(upload, ++seq);
                return new java.io.ByteArrayInputStream(cur);
            }
        });
    }

    private byte[] chunk(String upload, int seq) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT data FROM imp_blob_chunk WHERE upload_id = ? AND seq = ?")) {
                ps.setString(1, upload);
                ps.setInt(2, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getBytes(1) : null;
                }
            }
        });
    }

    /** Number of blobs stored (each content once). */
    public long blobCount() {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM imp_blob"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    // ---------------------------------------------------------------- writes of one user

    /** Work done in one transaction on one user's mailbox. */
    @FunctionalInterface
    public interface WriteWork<T> {
        T run(Writer w) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction holding the user's row lock, so that the imports into one
     * mailbox are serialised (quota and idempotency checks see every committed batch). Anything
     * thrown rolls the whole transaction back. {@link Writer#user()} is null when the user does not
     * exist. Before the commit the writer's deferred rows are written: property rows still queued and
     * the blob rows of inline attachment data ({@link Writer#stageBlob}).
     */
    public <T> T write(String upn, WriteWork<T> work) {
        String u = normalizeUpn(upn);
        BlobFiles.Pack[] pack = new BlobFiles.Pack[1];
        boolean committed = false;
        try {
            T result = tx(c -> {
                UserRow user = findUser(c, u, true);
                Writer w = new Writer(c, user);
                try {
                    T r = work.run(w);
                    w.finish();
                    return r;
                } finally {
                    pack[0] = w.pack;
                    w.closeStatements();
                }
            });
            committed = true;
            return result;
        } finally {
            if (!committed && pack[0] != null) {
                discardUnless(pack[0]);
            }
        }
    }

    /** Write access to one user's mailbox inside a transaction. */
    public final class Writer {
        private final Connection c;
        private final UserRow user;
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        private Map<Long, long[]> folderParents;
        private Map<Long, String> folderNames;
        private boolean wellKnownChecked;
        /** (store GUID, source key) -> mailbox folder, as found or created in this transaction. */
        private final Map<String, Long> folders = new HashMap<>();
        /** Blobs known to be stored (committed), with their size. Blobs are never deleted. */
        private final Map<String, Long> storedBlobs = new HashMap<>();
        /** Inline blobs whose data this transaction wrote; their imp_blob rows follow in {@link #finish}. */
        private final java.util.TreeMap<String, Staged> staged = new java.util.TreeMap<>();
        /** Property rows added to the property statement's batch and not yet executed. */
        private int queuedProps;
        private int blobsStored;
        /** The pack file this transaction's inline blobs go to (files mode), created with the first. */
        private BlobFiles.Pack pack;

        private Writer(Connection c, UserRow user) {
            this.c = c;
            this.user = user;
        }

        public UserRow user() {
            return user;
        }

        private PreparedStatement ps(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = sql.startsWith("INSERT") ? c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS) : c.prepareStatement(sql);
                statements.put(sql, ps);
            }
            return ps;
        }

        void closeStatements() {
            for (PreparedStatement ps : statements.values()) {
                try {
                    ps.close();
                } catch (SQLException e) {
                    LOG.debug("closing a statement", e);
                }
            }
        }

        private static String folderKey(String storeGuid, String sourceKey) {
            return storeGuid + "/" + sourceKey;
        }

        /** The mailbox folder a source folder was created or mapped as, or null (looked up once per transaction). */
        public Long folderFor(String storeGuid, String sourceKey) throws SQLException {
            String k = folderKey(storeGuid, sourceKey);
            Long known = folders.get(k);
            if (known != null) {
                return known;
            }
            PreparedStatement ps = ps("SELECT folder_id FROM imp_folder_source WHERE user_id = ? AND store_guid = ?"
                    + " AND source_key = ?");
            ps.setLong(1, user.id());
            ps.setString(2, storeGuid);
            ps.setString(3, sourceKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long id = rs.getLong(1);
                folders.put(k, id);
                return id;
            }
        }

        /** Whether the message with this identity is already in the mailbox. */
        public boolean messageExists(String storeGuid, String sourceKey) throws SQLException {
            PreparedStatement ps = ps("SELECT id FROM imp_message WHERE user_id = ? AND store_guid = ? AND source_key = ?");
            ps.setLong(1, user.id());
            ps.setString(2, storeGuid);
            ps.setString(3, sourceKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }

        /** Size of a stored blob, or null. */
        public Long blobSize(String sha256) throws SQLException {
            return blobSizes(List.of(sha256)).get(sha256);
        }

        /**
         * Sizes of the blobs of {@code sha256s} that are stored or staged in this transaction, in one
         * query for those not seen before in it.
         */
        public Map<String, Long> blobSizes(java.util.Collection<String> sha256s) throws SQLException {
            Map<String, Long> out = new HashMap<>();
            List<String> ask = new ArrayList<>();
            for (String sha : sha256s) {
                Long known = storedBlobs.get(sha);
                Staged st = staged.get(sha);
                if (known != null) {
                    out.put(sha, known);
                } else if (st != null) {
                    out.put(sha, st.size());
                } else if (!ask.contains(sha)) {
                    ask.add(sha);
                }
            }
            Map<String, Long> found = new HashMap<>();
            storedSizes(c, ask, found);
            storedBlobs.putAll(found);
            out.putAll(found);
            return out;
        }

        /**
         * Stores inline attachment data in this transaction unless it is stored or staged already: the
         * data now (appended to this transaction's pack file, or as chunks under a new upload id), the
         * imp_blob row just before the commit (in SHA-256 order, so that two mailboxes' batches storing
         * the same blobs take their locks in the same order and cannot deadlock; the one that comes
         * second finds the row there and drops its copy). The caller has checked the data against its
         * size and SHA-256.
         */
        public void stageBlob(String sha256, byte[] data) throws SQLException {
            if (staged.containsKey(sha256) || storedBlobs.containsKey(sha256)) {
                return;
            }
            if (files != null) {
                try {
                    if (pack == null) {
                        pack = files.create();
                    }
                    long off = pack.append(data, 0, data.length);
                    staged.put(sha256, new Staged(data.length, pack.name(), off));
                } catch (IOException e) {
                    throw new StoreException("storing attachment data in " + files.dir() + ": " + e.getMessage(), e);
                }
                return;
            }
            String upload = UUID.randomUUID().toString();
            PreparedStatement ps = ps("INSERT INTO imp_blob_chunk (upload_id, seq, data) VALUES (?, ?, ?)");
            int seq = 0;
            for (int off = 0; off < data.length || seq == 0; off += CHUNK) {
                int n = Math.min(CHUNK, data.length - off);
                ps.setString(1, upload);
                ps.setInt(2, seq++);
                ps.setBytes(3, off == 0 && n == data.length ? data : java.util.Arrays.copyOfRange(data, off, off + n));
                ps.addBatch();
            }
            ps.executeBatch();
            staged.put(sha256, new Staged(data.length, upload, null));
        }

        /** How many inline blobs this transaction stored (known after {@link #finish}). */
        public int blobsStored() {
            return blobsStored;
        }

        /**
         * Writes what was deferred: queued property rows, the rows of staged blobs (after forcing their
         * pack file to disk).
         */
        void finish() throws SQLException {
            flushProperties();
            if (staged.isEmpty()) {
                return;
            }
            if (pack != null) {
                try {
                    pack.sync();
                } catch (IOException e) {
                    throw new StoreException("storing attachment data in " + files.dir() + ": " + e.getMessage(), e);
                }
            }
            PreparedStatement ins = ps(dialect == StoreLocation.Dialect.MARIADB
                    ? "INSERT IGNORE INTO imp_blob (sha256, size_bytes, upload_id, pack_offset, created_at) VALUES (?, ?, ?, ?, ?)"
                    : "INSERT INTO imp_blob (sha256, size_bytes, upload_id, pack_offset, created_at) VALUES (?, ?, ?, ?, ?)");
            for (Map.Entry<String, Staged> e : staged.entrySet()) {
                ins.setString(1, e.getKey());
                ins.setLong(2, e.getValue().size());
                ins.setString(3, e.getValue().upload());
                setLong(ins, 4, e.getValue().offset());
                ins.setTimestamp(5, now());
                boolean inserted;
                try {
                    inserted = ins.executeUpdate() == 1;
                } catch (SQLException ex) {
                    if (!Schema.isDuplicate(ex)) {
                        throw ex;
                    }
                    inserted = false;
                }
                if (inserted) {
                    blobsStored++;
                } else if (e.getValue().offset() == null) {
                    // another transaction stored the same data meanwhile: ours is not needed
                    PreparedStatement del = ps("DELETE FROM imp_blob_chunk WHERE upload_id = ?");
                    del.setString(1, e.getValue().upload());
                    del.executeUpdate();
                }
            }
            staged.clear();
            if (pack != null && blobsStored == 0) {
                // every blob of the pack was stored by another transaction meanwhile
                try {
                    pack.discard();
                    pack = null;
                } catch (IOException e) {
                    LOG.warn("could not remove the unused attachment data file {} (removed at the next start): {}",
                            pack.name(), e.getMessage());
                }
            }
        }

        /**
         * Writes a top-level message into {@code folderId}: one statement for the message row and one
         * batch each for its recipients and its attachments (per embedded message likewise); the
         * property rows are queued and written in batches of several messages.
         */
        public long insertMessage(String storeGuid, CheckedMessage m, long folderId) throws SQLException {
            return insert(storeGuid, m, folderId, null);
        }

        private static final String PROPERTY_INSERT = "INSERT INTO imp_props (owner_kind, owner_id, part, props)"
                + " VALUES (?, ?, ?, ?)";

        /**
         * Queues an object's properties: one row per object (split into parts of about
         * {@link PropertyRows#PART_BYTES} bytes), written in batches of several messages.
         */
        private void queueProperties(String kind, long owner, List<Stored> list) throws SQLException {
            if (list.isEmpty()) {
                return;
            }
            PreparedStatement ps = ps(PROPERTY_INSERT);
            int part = 0;
            for (byte[] row : PropertyRows.encode(list)) {
                ps.setString(1, kind);
                ps.setLong(2, owner);
                ps.setInt(3, part++);
                ps.setBytes(4, row);
                ps.addBatch();
                queuedProps++;
            }
            if (queuedProps >= PROPERTY_BATCH) {
                flushProperties();
            }
        }

        private void flushProperties() throws SQLException {
            if (queuedProps > 0) {
                ps(PROPERTY_INSERT).executeBatch();
                queuedProps = 0;
            }
        }

        private long insert(String storeGuid, CheckedMessage m, Long folderId, Long parentAttach) throws SQLException {
            PreparedStatement ps = ps("INSERT INTO imp_message (user_id, folder_id, store_guid, source_key,"
                    + " parent_attach_id, message_class, associated, size_bytes, attach_count, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            ps.setLong(1, user.id());
            setLong(ps, 2, folderId);
            ps.setString(3, parentAttach == null ? storeGuid : null);
            ps.setString(4, m.sourceKey());
            setLong(ps, 5, parentAttach);
            ps.setString(6, m.messageClass());
            ps.setBoolean(7, m.associated());
            ps.setLong(8, m.size());
            ps.setInt(9, m.attachmentCount());
            ps.setTimestamp(10, now());
            ps.executeUpdate();
            long id = generatedId(ps);
            queueProperties("M", id, m.properties());
            if (!m.recipients().isEmpty()) {
                PreparedStatement rp = ps("INSERT INTO imp_recipient (message_id, seq) VALUES (?, ?)");
                for (int seq = 0; seq < m.recipients().size(); seq++) {
                    rp.setLong(1, id);
                    rp.setInt(2, seq);
                    rp.addBatch();
                }
                long[] ids = batchIds(rp, m.recipients().size());
                for (int i = 0; i < ids.length; i++) {
                    queueProperties("R", ids[i], m.recipients().get(i));
                }
            }
            if (!m.attachments().isEmpty()) {
                PreparedStatement ap = ps("INSERT INTO imp_attachment (message_id, seq, blob_sha256, blob_size, missing)"
                        + " VALUES (?, ?, ?, ?, ?)");
                int seq = 0;
                for (CheckedMessage.CheckedAttachment a : m.attachments()) {
                    ap.setLong(1, id);
                    ap.setInt(2, seq++);
                    ap.setString(3, a.blobSha256());
                    if (a.blobSha256() == null) {
                        ap.setNull(4, Types.BIGINT);
                    } else {
                        ap.setLong(4, a.blobSize());
                    }
                    ap.setBoolean(5, a.missing());
                    ap.addBatch();
                }
                long[] ids = batchIds(ap, m.attachments().size());
                for (int i = 0; i < ids.length; i++) {
                    CheckedMessage.CheckedAttachment a = m.attachments().get(i);
                    queueProperties("A", ids[i], a.properties());
                    if (a.embedded() != null) {
                        insert(null, a.embedded(), null, ids[i]);
                    }
                }
            }
            return id;
        }

        /** Adds to the user's usage counters. */
        public void addUsage(long bytes, long messages) throws SQLException {
            PreparedStatement ps = ps("UPDATE imp_user SET usage_bytes = usage_bytes + ?, message_count = message_count + ?,"
                    + " last_import_at = ? WHERE id = ?");
            ps.setLong(1, bytes);
            ps.setLong(2, messages);
            ps.setTimestamp(3, now());
            ps.setLong(4, user.id());
            ps.executeUpdate();
        }

        /**
         * Creates or maps one source folder.
         *
         * @param parentKey null for a folder at the top of the mailbox
         * @throws BadRequestException when the parent is not known
         */
        public FolderResult putFolder(String storeGuid, String sourceKey, String parentKey, String role,
                String displayName, String containerClass, List<Stored> properties) throws SQLException {
            Long existing = folderFor(storeGuid, sourceKey);
            if (existing != null) {
                return new FolderResult(sourceKey, org.kgmigration.api.ImportApi.PRESENT, existing, path(existing));
            }
            long folderId;
            String status;
            if (role != null) {
                if (!wellKnownChecked) {
                    ensureWellKnown(c, user.id());
                    wellKnownChecked = true;
                }
                PreparedStatement ps = ps("SELECT id FROM imp_folder WHERE user_id = ? AND role = ?");
                ps.setLong(1, user.id());
                ps.setString(2, role);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    folderId = rs.getLong(1);
                }
                status = org.kgmigration.api.ImportApi.MAPPED;
            } else {
                Long parent = null;
                if (parentKey != null) {
                    parent = folderFor(storeGuid, parentKey);
                    if (parent == null) {
                        throw new BadRequestException("folder " + sourceKey + ": parent " + parentKey
                                + " is not known; send parents before their children");
                    }
                }
                PreparedStatement ps = ps("INSERT INTO imp_folder (user_id, parent_id, role, display_name, container_class,"
                        + " created_at) VALUES (?, ?, NULL, ?, ?, ?)");
                ps.setLong(1, user.id());
                setLong(ps, 2, parent);
                ps.setString(3, displayName);
                ps.setString(4, containerClass);
                ps.setTimestamp(5, now());
                ps.executeUpdate();
                folderId = generatedId(ps);
                if (folderParents != null) {
                    folderParents.put(folderId, parent == null ? new long[0] : new long[] {parent});
                    folderNames.put(folderId, displayName);
                }
                status = org.kgmigration.api.ImportApi.CREATED;
            }
            PreparedStatement ps = ps("INSERT INTO imp_folder_source (user_id, store_guid, source_key, folder_id, created_at)"
                    + " VALUES (?, ?, ?, ?, ?)");
            ps.setLong(1, user.id());
            ps.setString(2, storeGuid);
            ps.setString(3, sourceKey);
            ps.setLong(4, folderId);
            ps.setTimestamp(5, now());
            ps.executeUpdate();
            long sourceId = generatedId(ps);
            folders.put(folderKey(storeGuid, sourceKey), folderId);
            queueProperties("S", sourceId, properties);
            return new FolderResult(sourceKey, status, folderId, path(folderId));
        }

        private String path(long folderId) throws SQLException {
            if (folderParents == null) {
                folderParents = new HashMap<>();
                folderNames = new HashMap<>();
                PreparedStatement ps = ps("SELECT id, parent_id, display_name FROM imp_folder WHERE user_id = ?");
                ps.setLong(1, user.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        long p = rs.getLong(2);
                        folderParents.put(id, rs.wasNull() ? new long[0] : new long[] {p});
                        folderNames.put(id, rs.getString(3));
                    }
                }
            }
            return folderPath(folderId, folderParents, folderNames);
        }

        /** Records that the client finished importing a source store. */
        public void markComplete(String storeGuid) throws SQLException {
            PreparedStatement del = ps("DELETE FROM imp_store_import WHERE user_id = ? AND store_guid = ?");
            del.setLong(1, user.id());
            del.setString(2, storeGuid);
            del.executeUpdate();
            PreparedStatement ins = ps("INSERT INTO imp_store_import (user_id, store_guid, completed_at) VALUES (?, ?, ?)");
            ins.setLong(1, user.id());
            ins.setString(2, storeGuid);
            ins.setTimestamp(3, now());
            ins.executeUpdate();
        }
    }

    private static String folderPath(long id, Map<Long, long[]> parents, Map<Long, String> names) {
        StringBuilder sb = new StringBuilder();
        Long cur = id;
        int guard = 0;
        while (cur != null && guard++ < 1000) {
            sb.insert(0, "/" + names.getOrDefault(cur, "?"));
            long[] p = parents.get(cur);
            cur = p == null || p.length == 0 ? null : p[0];
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- reads

    /** Counts of one source store in a mailbox, for the client's report. */
    public StoreSummary summary(UserRow user, String storeGuid) {
        return tx(c -> {
            long folders;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM imp_folder_source WHERE user_id = ?"
                    + " AND store_guid = ?")) {
                ps.setLong(1, user.id());
                ps.setString(2, storeGuid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    folders = rs.getLong(1);
                }
            }
            long messages;
            long attachments;
            long bytes;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(attach_count), 0),"
                    + " COALESCE(SUM(size_bytes), 0) FROM imp_message WHERE user_id = ? AND store_guid = ?")) {
                ps.setLong(1, user.id());
                ps.setString(2, storeGuid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    messages = rs.getLong(1);
                    attachments = rs.getLong(2);
                    bytes = rs.getLong(3);
                }
            }
            String completed = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT completed_at FROM imp_store_import WHERE user_id = ?"
                    + " AND store_guid = ?")) {
                ps.setLong(1, user.id());
                ps.setString(2, storeGuid);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        completed = rs.getTimestamp(1).toInstant().toString();
                    }
                }
            }
            UserRow fresh = findUser(c, user.upn(), false);
            return new StoreSummary(user.upn(), storeGuid, folders, messages, attachments, bytes, fresh.messageCount(),
                    fresh.usageBytes(), completed);
        });
    }

    /** Counts per mailbox and folder; all users when {@code upn} is null. */
    public List<MailboxStats> stats(String upn) {
        List<UserRow> users = upn == null ? users() : java.util.Optional.ofNullable(user(upn)).map(List::of).orElse(List.of());
        List<MailboxStats> out = new ArrayList<>();
        for (UserRow u : users) {
            out.add(tx(c -> mailboxStats(c, u)));
        }
        return out;
    }

    private static MailboxStats mailboxStats(Connection c, UserRow u) throws SQLException {
        Map<Long, long[]> parents = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        Map<Long, String> roles = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, parent_id, display_name, role FROM imp_folder WHERE user_id = ?")) {
            ps.setLong(1, u.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    long p = rs.getLong(2);
                    parents.put(id, rs.wasNull() ? new long[0] : new long[] {p});
                    names.put(id, rs.getString(3));
                    roles.put(id, rs.getString(4));
                }
            }
        }
        Map<Long, long[]> counts = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT folder_id, COUNT(*), COALESCE(SUM(attach_count), 0),"
                + " COALESCE(SUM(size_bytes), 0) FROM imp_message WHERE user_id = ? AND parent_attach_id IS NULL"
                + " GROUP BY folder_id")) {
            ps.setLong(1, u.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                }
            }
        }
        List<FolderStats> folders = new ArrayList<>();
        long m = 0;
        long a = 0;
        long b = 0;
        for (Long id : names.keySet()) {
            long[] n = counts.getOrDefault(id, new long[3]);
            folders.add(new FolderStats(folderPath(id, parents, names), roles.get(id), n[0], n[1], n[2]));
            m += n[0];
            a += n[1];
            b += n[2];
        }
        folders.sort(java.util.Comparator.comparing(FolderStats::path));
        return new MailboxStats(u.upn(), u.displayName(), u.active(), u.quotaBytes(), m, a, b, folders);
    }

    /** Reads a stored message back in wire form (for checks and exports), or null. */
    public MessageItem readMessage(String upn, String storeGuid, String sourceKey) {
        String u = normalizeUpn(upn);
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT m.id, m.message_class, m.associated, s.source_key"
                    + " FROM imp_message m JOIN imp_user u ON u.id = m.user_id"
                    + " LEFT JOIN imp_folder_source s ON s.folder_id = m.folder_id AND s.user_id = m.user_id AND s.store_guid = m.store_guid"
                    + " WHERE u.upn = ? AND m.store_guid = ? AND m.source_key = ?")) {
                ps.setString(1, u);
                ps.setString(2, storeGuid);
                ps.setString(3, sourceKey);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    EmbeddedMessage body = readBody(c, rs.getLong(1), rs.getString(2));
                    return new MessageItem(sourceKey, rs.getString(4), rs.getString(2), rs.getBoolean(3),
                            body.properties(), body.recipients(), body.attachments());
                }
            }
        });
    }

    /** Number of top-level messages of a store in a mailbox. */
    public long messageCount(String upn, String storeGuid) {
        String u = normalizeUpn(upn);
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM imp_message m JOIN imp_user u ON u.id = m.user_id"
                    + " WHERE u.upn = ? AND m.store_guid = ?")) {
                ps.setString(1, u);
                ps.setString(2, storeGuid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private EmbeddedMessage readBody(Connection c, long messageId, String messageClass) throws SQLException {
        List<Property> props = readProps(c, "M", messageId);
        List<List<Property>> recips = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM imp_recipient WHERE message_id = ? ORDER BY seq")) {
            ps.setLong(1, messageId);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                recips.add(readProps(c, "R", id));
            }
        }
        List<AttachmentItem> atts = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, blob_sha256, blob_size, missing FROM imp_attachment"
                + " WHERE message_id = ? ORDER BY seq")) {
            ps.setLong(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4)});
                }
            }
        }
        for (Object[] r : rows) {
            long aid = (Long) r[0];
            BlobRef blob = r[1] == null ? null : BlobRef.of((String) r[1], (Long) r[2]);
            EmbeddedMessage emb = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, message_class FROM imp_message WHERE parent_attach_id = ?")) {
                ps.setLong(1, aid);
                long eid = -1;
                String ec = null;
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        eid = rs.getLong(1);
                        ec = rs.getString(2);
                    }
                }
                if (eid >= 0) {
                    emb = readBody(c, eid, ec);
                }
            }
            atts.add(new AttachmentItem(readProps(c, "A", aid), blob, (Boolean) r[3], emb));
        }
        return new EmbeddedMessage(messageClass, props, recips, atts);
    }

    private static List<Property> readProps(Connection c, String kind, long owner) throws SQLException {
        List<Stored> stored = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT props FROM imp_props WHERE owner_kind = ? AND owner_id = ?"
                + " ORDER BY part")) {
            ps.setString(1, kind);
            ps.setLong(2, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.addAll(PropertyRows.decode(rs.getBytes(1)));
                }
            }
        }
        if (stored.isEmpty()) {
            // written by schema version 1: one row per property
            try (PreparedStatement ps = c.prepareStatement("SELECT tag, ptype, name_guid, name_lid, name_str, val"
                    + " FROM imp_property WHERE owner_kind = ? AND owner_id = ? ORDER BY seq")) {
                ps.setString(1, kind);
                ps.setLong(2, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long lid = rs.getLong(4);
                        Long l = rs.wasNull() ? null : lid;
                        stored.add(new Stored(rs.getLong(1), MapiType.byCode(rs.getInt(2)), rs.getString(3), l,
                                rs.getString(5), rs.getString(6)));
                    }
                }
            }
        }
        List<Property> out = new ArrayList<>(stored.size());
        for (Stored st : stored) {
            out.add(st.toWire());
        }
        return out;
    }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface TxWork<T> {
        T run(Connection c) throws SQLException, IOException;
    }

    @FunctionalInterface
    private interface PsSetter {
        void set(PreparedStatement ps) throws SQLException;
    }

    private boolean update(String sql, String upn, PsSetter setter) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                setter.set(ps);
                ps.setString(2, upn);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private <T> T tx(TxWork<T> work) {
        return tx(work, null, null);
    }

    /** One transaction; on {@code quietType} it rolls back and returns {@code quietValue}. */
    private <T> T tx(TxWork<T> work, Class<? extends RuntimeException> quietType, T quietValue) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                T r = work.run(c);
                c.commit();
                return r;
            } catch (RuntimeException | Error | SQLException | IOException e) {
                try {
                    c.rollback();
                } catch (SQLException re) {
                    e.addSuppressed(re);
                }
                if (quietType != null && quietType.isInstance(e)) {
                    return quietValue;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("mailbox store " + location.redacted() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StoreException("reading the request: " + e.getMessage(), e);
        }
    }

    private static void exec(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** Rows per property batch of {@link Writer}; rows of several messages go together. */
    private static final int PROPERTY_BATCH = 2000;
    /** Values per IN list of a lookup. */
    private static final int IN_LIST = 100;

    /**
     * A blob a batch wrote (into pack {@code upload} at {@code offset}, or as chunks under {@code upload}
     * when {@code offset} is null); its imp_blob row is written at the end.
     */
    private record Staged(long size, String upload, Long offset) {
    }

    /** Executes the batch of {@code ps} and returns the generated ids, one per row in order. */
    private static long[] batchIds(PreparedStatement ps, int rows) throws SQLException {
        ps.executeBatch();
        long[] ids = new long[rows];
        int n = 0;
        try (ResultSet rs = ps.getGeneratedKeys()) {
            while (rs.next() && n < rows) {
                ids[n++] = rs.getLong(1);
            }
        }
        if (n != rows) {
            throw new SQLException("the database returned " + n + " generated keys for a batch of " + rows + " rows");
        }
        return ids;
    }

    private static long generatedId(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.getGeneratedKeys()) {
            if (!rs.next()) {
                throw new SQLException("no generated key");
            }
            return rs.getLong(1);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }
}
