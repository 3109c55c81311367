package org.kgmigration.testsupport;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A uniquely named database on the test MariaDB server (scripts/test.sh makes sure one runs),
 * dropped again on {@link #close()}, so that test runs never disturb each other.
 */
public final class TestDatabase implements AutoCloseable {
    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    public static String host() {
        return System.getProperty("test.db.host", env("TEST_DB_HOST", "127.0.0.1"));
    }

    public static int port() {
        return Integer.parseInt(System.getProperty("test.db.port", env("TEST_DB_PORT", "3306")));
    }

    public static String user() {
        return System.getProperty("test.db.user", env("TEST_DB_USER", "root"));
    }

    public static String password() {
        return System.getProperty("test.db.password", env("TEST_DB_PASSWORD", ""));
    }

    private static String env(String key, String def) {
        String v = System.getenv(key);
        return v == null ? def : v;
    }

    /** JDBC URL of the server (no database selected). */
    public static String serverUrl() {
        return "jdbc:mariadb://" + host() + ":" + port() + "/";
    }

    /** Creates a fresh empty database named {@code kgmt_<prefix>_<random>}. */
    public static TestDatabase create(String prefix) throws SQLException {
        byte[] r = new byte[5];
        new SecureRandom().nextBytes(r);
        String name = "kgmt_" + prefix.replaceAll("[^A-Za-z0-9_]", "_") + "_" + HexFormat.of().formatHex(r);
        try (Connection c = DriverManager.getConnection(serverUrl(), user(), password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + name + "`");
        }
        return new TestDatabase(name);
    }

    public String name() {
        return name;
    }

    public String url() {
        return serverUrl() + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(serverUrl(), user(), password());
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
        }
    }
}
