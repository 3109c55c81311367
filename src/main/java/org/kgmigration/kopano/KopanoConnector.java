package org.kgmigration.kopano;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * Opens read-only connections to the Kopano database and turns connection failures into one-line
 * {@link SourceException}s (wrong password, unreachable server, unknown database).
 */
public final class KopanoConnector {
    /**
     * Session settings: the exporter may stall while the consumer of the stream is busy (a pipe to
     * {@code migrate}, a slow disk), so the server must not give up on a slow reader.
     */
    static final String SESSION = "net_write_timeout=7200,net_read_timeout=7200,wait_timeout=86400";

    private final SourceConfig config;
    private final DataSource dataSource;

    public KopanoConnector(SourceConfig config) {
        this.config = config;
        this.dataSource = dataSource(config);
    }

    public SourceConfig config() {
        return config;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The JDBC URL for the configuration (without credentials). */
    public static String url(SourceConfig c) {
        String db = URLEncoder.encode(c.dbName(), StandardCharsets.UTF_8);
        StringBuilder u = new StringBuilder("jdbc:mariadb://");
        if (c.dbSocket() != null) {
            u.append("localhost/").append(db).append("?localSocket=")
                    .append(URLEncoder.encode(c.dbSocket(), StandardCharsets.UTF_8)).append('&');
        } else {
            String host = c.dbHost().contains(":") && !c.dbHost().startsWith("[") ? "[" + c.dbHost() + "]" : c.dbHost();
            u.append(host).append(':').append(c.dbPort()).append('/').append(db).append('?');
        }
        u.append("connectTimeout=15000&sessionVariables=").append(SESSION);
        return u.toString();
    }

    static DataSource dataSource(SourceConfig c) {
        try {
            MariaDbDataSource ds = new MariaDbDataSource(url(c));
            ds.setUser(c.dbUser());
            ds.setPassword(c.dbPassword());
            return ds;
        } catch (SQLException e) {
            throw new SourceException("bad database settings " + c.dbLabel() + ": " + e.getMessage(), e);
        }
    }

    /** A new connection, in autocommit mode, with a user-facing error when that fails. */
    public Connection connect() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw translate(e, config);
        }
    }

    /**
     * A new connection inside {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} (read only where the
     * server supports it): everything read through it sees the database as it was at this moment.
     */
    public Connection snapshot() {
        Connection c = connect();
        try {
            beginSnapshot(c);
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw new SourceException("cannot start a read transaction on " + config.dbLabel() + ": " + e.getMessage(), e);
        }
    }

    /** Starts a consistent-snapshot transaction on {@code c} (ends any transaction open on it). */
    public static void beginSnapshot(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            try {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            } catch (SQLException e) {
                // MySQL < 5.6.5 / MariaDB < 10.0 know no READ ONLY transactions
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            }
        }
    }

    /** Ends the snapshot transaction (nothing was written, so commit and rollback are the same). */
    public static void endSnapshot(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("COMMIT");
        } catch (SQLException e) {
            // the connection is closed next anyway
        }
    }

    public static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a read-only connection cannot lose data
            }
        }
    }

    /** A one-line explanation of a failed connection attempt. */
    static SourceException translate(SQLException e, SourceConfig c) {
        int code = e.getErrorCode();
        String msg = firstLine(e.getMessage());
        if (code == 1045 || e instanceof SQLInvalidAuthorizationSpecException || "28000".equals(e.getSQLState())) {
            return new SourceException("cannot log in to the database " + c.dbLabel() + " as '" + c.dbUser()
                    + "': access denied (check the user name and the password in KGDUMP_DB_PASSWORD or the password file)", e);
        }
        if (code == 1049) {
            return new SourceException("database " + c.dbLabel() + " does not exist (check database.name or --db-name)", e);
        }
        if (code == 1044) {
            return new SourceException("user '" + c.dbUser() + "' may not read the database " + c.dbLabel()
                    + " (grant it SELECT)", e);
        }
        String where = c.dbSocket() != null ? "socket " + c.dbSocket() : c.dbHost() + ":" + c.dbPort();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root != e && root.getMessage() != null ? firstLine(root.getMessage()) : msg;
        return new SourceException("cannot connect to the database server at " + where + ": " + reason, e);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return (i < 0 ? s : s.substring(0, i)).trim();
    }
}
