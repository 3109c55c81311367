package org.kgmigration.kopano;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code lob} chunks of the attachment instances of one batch of messages, read with one
 * streamed statement (docs/performance.md) instead of one per attachment.
 *
 * <p>The reader is given the <em>plan</em>: the instance ids in the order in which the batch will
 * ask for them (the order the attachments are written, duplicates included). It selects the chunks
 * of up to {@link #MAX_IDS} distinct planned instances at once, ordered by their position in the
 * plan and then by (tag, chunkid), and hands each instance's chunks out as a stream while the rows
 * arrive, so that at most one chunk row is held in memory. A streamed result set occupies its
 * connection until it is read to the end or closed: the batch has run all its other queries before
 * the first attachment is written, so nothing else needs the connection meanwhile, and the chunks
 * are read inside the same consistent snapshot.
 *
 * <p>A new statement starts (the rest of the previous one is skipped by the driver) when an
 * instance is asked for that the running statement has passed or does not contain: an instance
 * used by a second attachment of the same batch (single-instance storage; its data is read again,
 * the statement covers the plan up to such a repetition), an instance that was not planned (the
 * lob table as a fallback for a missing file), or the next {@link #MAX_IDS} instances. Planned
 * instances that are not asked for (found elsewhere first) are skipped. Not thread safe: one per
 * batch and connection.
 */
final class LobReader implements AutoCloseable {
    /** Distinct instances per statement at most (bounds the statement and the cost of its sort). */
    static final int MAX_IDS = 500;

    private final Connection conn;
    private final List<Long> plan;
    /** Run before each statement: waits until no other thread uses the connection (FolderReader's read-ahead). */
    private final Runnable beforeStatement;
    /** The plan index after the last planned instance asked for. */
    private int next;

    private PreparedStatement ps;
    private ResultSet rs;
    /** instance id → position in the running statement's order. */
    private final Map<Long, Integer> segment = new HashMap<>();
    /** The position after the instance asked for last in the running statement. */
    private int segmentPos;
    private boolean exhausted;
    /** A row that was fetched but not yet consumed. */
    private boolean hasRow;
    private long rowInstance;
    private int rowTag;
    private byte[] rowData;
    private Chunks current;
    private int statements;

    /**
     * @param plan the instance ids in the order they will be asked for (may repeat; may be empty)
     */
    LobReader(Connection conn, List<Long> plan) {
        this(conn, plan, () -> { });
    }

    /** @param beforeStatement run before each statement (waits for other users of the connection) */
    LobReader(Connection conn, List<Long> plan, Runnable beforeStatement) {
        this.conn = conn;
        this.plan = plan;
        this.beforeStatement = beforeStatement;
    }

    /** Statements run so far (for tests). */
    int statements() {
        return statements;
    }

    /**
     * Opens the data of instance {@code id}: null when the lob table has no rows for it. The stream
     * returned before becomes invalid (its unread rows are skipped).
     *
     * @param tried gets {@code lob instance <id>}
     */
    AttachmentReader.Opened open(long id, List<String> tried) throws SQLException {
        tried.add("lob instance " + id);
        if (current != null) {
            current.done = true;
            current = null;
        }
        int p = -1;
        for (int i = next; i < plan.size(); i++) {
            if (plan.get(i) == id) {
                p = i;
                break;
            }
        }
        if (p >= 0) {
            next = p + 1;
        }
        Integer at = rs == null ? null : segment.get(id);
        if (at == null || at < segmentPos) {
            start(id, p >= 0 ? p + 1 : next);
            at = 0;
        }
        segmentPos = at + 1;
        while (true) {
            if (!hasRow && !fetch()) {
                return null;
            }
            Integer pos = segment.get(rowInstance);
            if (pos != null && pos > at) {
                return null; // no rows for id
            }
            if (pos != null && pos == at) {
                break;
            }
            hasRow = false; // a row of an instance before id that was not asked for, or not to the end
        }
        hasRow = false;
        String where = "lob instance " + id;
        if (rowData == null) {
            return new AttachmentReader.Opened(null, where, where + " chunk 0 is NULL");
        }
        current = new Chunks(id, rowData, rowTag);
        return new AttachmentReader.Opened(current, where, null);
    }

    /** Starts the statement for {@code first} and the planned instances from plan index {@code from} on. */
    private void start(long first, int from) throws SQLException {
        closeStatement();
        segment.clear();
        List<Long> ids = new ArrayList<>();
        ids.add(first);
        segment.put(first, 0);
        boolean ascending = true;
        for (int i = from; i < plan.size() && ids.size() < MAX_IDS; i++) {
            long x = plan.get(i);
            if (segment.containsKey(x)) {
                break; // read again by a statement of its own when it is asked for again
            }
            ascending &= x > ids.get(ids.size() - 1);
            segment.put(x, ids.size());
            ids.add(x);
        }
        // ids that ascend are the primary key's order: no sort on the server
        String order = ascending ? "instanceid" : "FIELD(instanceid, {ids})";
        beforeStatement.run();
        ps = Sql.prepare(conn, "lob.sql", Map.of("order", order), ids);
        ps.setFetchSize(1);
        statements++;
        rs = ps.executeQuery();
        segmentPos = 0;
        exhausted = false;
        hasRow = false;
    }

    private boolean fetch() throws SQLException {
        if (exhausted) {
            return false;
        }
        if (!rs.next()) {
            exhausted = true;
            return false;
        }
        rowInstance = rs.getLong(1);
        rowTag = rs.getInt(2);
        rowData = rs.getBytes(3);
        hasRow = true;
        return true;
    }

    private void closeStatement() {
        // closing a streaming result set early makes the driver skip (read and drop) the rest
        KopanoConnector.closeQuietly(rs);
        KopanoConnector.closeQuietly(ps);
        rs = null;
        ps = null;
    }

    @Override
    public void close() {
        if (current != null) {
            current.done = true;
            current = null;
        }
        closeStatement();
    }

    /** The chunks of one instance as a stream, row by row. */
    private final class Chunks extends InputStream {
        private final long id;
        private final int tag;
        private byte[] chunk;
        private int pos;
        private int chunkNo;
        boolean done;

        Chunks(long id, byte[] first, int tag) {
            this.id = id;
            this.chunk = first;
            this.tag = tag;
        }

        private boolean advance() throws IOException {
            while (!done && pos >= chunk.length) {
                try {
                    if (!hasRow && !fetch() || rowInstance != id) {
                        done = true;
                        break;
                    }
                    hasRow = false;
                    chunkNo++;
                    chunk = rowData;
                    if (chunk == null) {
                        throw new SQLException("lob instance " + id + " chunk " + chunkNo + " is NULL");
                    }
                    if (rowTag != tag) {
                        throw new SQLException("lob instance " + id + " has chunks under two tags (" + tag + ", "
                                + rowTag + ")");
                    }
                    pos = 0;
                } catch (SQLException e) {
                    done = true;
                    throw new IOException(e.getMessage(), e);
                }
            }
            return !done;
        }

        @Override
        public int read() throws IOException {
            return advance() ? chunk[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!advance()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            // the rest of this instance's rows is skipped when the next instance is asked for
            done = true;
        }
    }
}
