package org.kgmigration.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.kgmigration.importer.LiveConfig;
import org.kgmigration.importer.TestPki;
import org.kgmigration.importer.server.ImporterServer;
import org.kgmigration.importer.server.ServerSettings;
import org.kgmigration.importer.store.MailboxStore;
import org.kgmigration.importer.store.StoreLocation;

/**
 * The real importer started in-process, as {@code importer serve} starts it: HTTPS on loopback
 * with a certificate from the importer's {@link TestPki}, the embedded mailbox store in a
 * directory, the IP whitelist from a real configuration file.
 */
public final class ImporterFixture implements AutoCloseable {
    public final Path dir;
    public final Path config;
    public final TestPki pki;
    public final int port;
    public MailboxStore store;
    private ImporterServer server;
    private final LiveConfig.Overrides overrides;

    private String bindHost = "127.0.0.1";
    /** Client CA for mutual TLS (set before {@link #startServer()}), or null. */
    public Path clientCa;

    private ImporterFixture(Path dir, TestPki pki, int port, LiveConfig.Overrides overrides) {
        this.dir = dir;
        this.config = dir.resolve("config.yaml");
        this.pki = pki;
        this.port = port;
        this.overrides = overrides;
    }

    /** Starts an importer in {@code dir} that trusts 127.0.0.1 (plus {@code extraYaml} keys). */
    public static ImporterFixture start(Path dir, TestPki pki, String extraYaml) {
        return start(dir, pki, extraYaml, LiveConfig.Overrides.none(), "127.0.0.1", "127.0.0.1");
    }

    /** Listens on {@code bindHost} (0.0.0.0 reaches it by every loopback address). */
    public static ImporterFixture start(Path dir, TestPki pki, String extraYaml, LiveConfig.Overrides overrides,
            String bindHost, String... whitelist) {
        ImporterFixture f = new ImporterFixture(dir, pki, freePort(), overrides);
        f.bindHost = bindHost;
        try {
            Files.createDirectories(dir);
            Files.writeString(f.config, config(extraYaml, whitelist));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        f.startServer();
        return f;
    }

    public static String config(String extra, String... addresses) {
        StringBuilder sb = new StringBuilder("e4a:\n  adminrpc:\n    importer:\n      ip_white_lists:\n");
        for (String a : addresses) {
            sb.append("        - ").append(a).append('\n');
        }
        if (addresses.length == 0) {
            sb.setLength(sb.length() - 1);
            sb.append(" []\n");
        }
        if (extra != null) {
            for (String line : extra.split("\n")) {
                sb.append("      ").append(line).append('\n');
            }
        }
        return sb.toString();
    }

    public void startServer() {
        LiveConfig live = LiveConfig.start(config, overrides);
        store = MailboxStore.open(StoreLocation.embedded(dir));
        server = ImporterServer.start(new ServerSettings(bindHost, port, pki.serverCert, pki.serverKey, clientCa, dir),
                live, store);
    }

    public void stopServer() {
        server.close();
        store.close();
    }

    public void restart() {
        stopServer();
        startServer();
    }

    /** https://127.0.0.1:PORT/ */
    public String url() {
        return "https://127.0.0.1:" + port + "/";
    }

    /** The same server by an address its certificate does not list (needs bindHost 0.0.0.0). */
    public String urlByWrongName() {
        return "https://127.0.0.2:" + port + "/";
    }

    public void addUser(String upn, boolean active) {
        store.addUser(upn, upn, active, null);
    }

    public void addUsers(List<String> upns) {
        upns.forEach(u -> addUser(u, false));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stopServer();
    }
}
