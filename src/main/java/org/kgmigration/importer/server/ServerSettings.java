package org.kgmigration.importer.server;

import java.nio.file.Path;
import org.kgmigration.error.UsageException;

/**
 * The settings that need a restart: where to listen, the TLS identity, the optional client CA and
 * the data directory (spool for request bodies).
 */
public record ServerSettings(String host, int port, Path tlsCert, Path tlsKey, Path tlsClientCa, Path dataDir) {
    /** Default listening address. */
    public static final String DEFAULT_LISTEN = "0.0.0.0:8443";

    /** Parses {@code HOST:PORT} or {@code [IPv6]:PORT}. */
    public static String[] parseListen(String listen) {
        String s = listen.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int end = s.indexOf("]:");
            if (end < 0) {
                throw new UsageException("listen address '" + listen + "' is not [IPv6]:PORT");
            }
            host = s.substring(1, end);
            port = s.substring(end + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0 || s.indexOf(':') != colon) {
                throw new UsageException("listen address '" + listen + "' is not HOST:PORT (IPv6: [ADDRESS]:PORT)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new UsageException("listen address '" + listen + "': port must be 1-65535");
        }
        return new String[] {host, port};
    }
}
