package org.kgmigration.importer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kgmigration.importer.server.ImporterServer;
import org.kgmigration.importer.server.ServerSettings;
import org.kgmigration.importer.store.MailboxStore;
import org.kgmigration.importer.store.StoreLocation;

/** The importer started in-process as 'serve' does: real HTTPS on loopback, real store. */
final class TestServer implements AutoCloseable {
    final Path dir;
    final Path config;
    final TestPki pki;
    final StoreLocation location;
    final String host;
    final int port;
    private final Path clientCa;
    private final LiveConfig.Overrides overrides;
    MailboxStore store;
    private ImporterServer server;

    private TestServer(Path dir, TestPki pki, StoreLocation location, String host, Path clientCa,
            LiveConfig.Overrides overrides) {
        this.dir = dir;
        this.config = dir.resolve("config.yaml");
        this.pki = pki;
        this.location = location;
        this.host = host;
        this.port = freePort(host);
        this.clientCa = clientCa;
        this.overrides = overrides;
    }

    /** Writes {@code configYaml} as the configuration file and starts serving. */
    static TestServer start(Path dir, TestPki pki, StoreLocation location, String host, String configYaml) {
        return start(dir, pki, location, host, configYaml, null, LiveConfig.Overrides.none());
    }

    static TestServer start(Path dir, TestPki pki, StoreLocation location, String host, String configYaml, Path clientCa,
            LiveConfig.Overrides overrides) {
        TestServer t = new TestServer(dir, pki, location, host, clientCa, overrides);
        try {
            Files.createDirectories(dir);
            if (configYaml != null) {
                Files.writeString(t.config, configYaml);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        t.startServer();
        return t;
    }

    void startServer() {
        LiveConfig live = LiveConfig.start(config, overrides);
        store = MailboxStore.open(location);
        server = ImporterServer.start(new ServerSettings(host, port, pki.serverCert, pki.serverKey, clientCa, dir), live,
                store);
    }

    /** Stops and starts again on the same port and store (as a restart of 'serve' would). */
    void restart() {
        stopServer();
        startServer();
    }

    void stopServer() {
        server.close();
        store.close();
    }

    /** Replaces the configuration file; the server must notice without a restart. */
    void writeConfig(String yaml) {
        try {
            Path tmp = dir.resolve("config.yaml.tmp");
            Files.writeString(tmp, yaml);
            Files.move(tmp, config, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    ApiClient client() {
        return new ApiClient(baseUrl(), pki.clientContext(false));
    }

    ApiClient client(boolean withClientCert) {
        return new ApiClient(baseUrl(), pki.clientContext(withClientCert));
    }

    static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The importer's section of /storage/config.yaml with these whitelist entries, plus extra keys. */
    static String config(String extra, String... addresses) {
        StringBuilder sb = new StringBuilder("e4a:\n    adminrpc:\n        importer:\n");
        if (addresses.length == 0) {
            sb.append("            ip_white_lists: []\n");
        } else {
            sb.append("            ip_white_lists:\n");
            for (String a : addresses) {
                sb.append("              - ").append(a).append('\n');
            }
        }
        if (extra != null) {
            for (String line : extra.split("\n")) {
                sb.append("            ").append(line).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        stopServer();
    }
}
