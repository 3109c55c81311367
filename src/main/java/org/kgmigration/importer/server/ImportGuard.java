package org.kgmigration.importer.server;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.kgmigration.importer.ApiException;
import org.kgmigration.importer.ImporterConfig;
import org.kgmigration.importer.IpWhitelist;
import org.kgmigration.importer.LiveConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the import API: the client's address must be on the IP whitelist (403 and a log line
 * naming the address otherwise), and when a shared secret is configured the request must carry it
 * ({@code Authorization: Bearer TOKEN}, else 401). The address is the TCP peer of the connection;
 * forwarding headers are ignored.
 *
 * <p>The decision ({@link #check}) is taken by {@link EarlyGuard} on the Vert.x router, ahead of
 * every route, as soon as the request line and headers have arrived, so that a refused client
 * cannot make the server receive or spool its request body. As the first step of every API route
 * this processor then records the client address for the routes' log lines and drops the token.
 */
public final class ImportGuard implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(ImportGuard.class);
    /** Exchange property holding the client address as shown in logs. */
    public static final String CLIENT = "kgmClientAddress";
    private final LiveConfig config;

    public ImportGuard(LiveConfig config) {
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        exchange.setProperty(CLIENT, display(remoteAddress(in instanceof HttpMessage hm ? hm.getRequest() : null)));
        in.removeHeader("Authorization");
    }

    /**
     * Decides whether a request may go on.
     *
     * @param address       the TCP peer, null when unknown (always refused)
     * @param authorization the request's {@code Authorization} header, or null
     * @param what          method and path, for the log line
     * @return null when allowed, else the refusal (already logged)
     */
    ApiException check(InetAddress address, String authorization, String what) {
        String shown = display(address);
        LiveConfig.Snapshot s = config.current();
        if (s.whitelist().isEmpty()) {
            LOG.warn("refused {} from {}: the import API is off because {}", what, shown, s.offReason());
            return new ApiException(403, "forbidden", "the import API is disabled on this server (no trusted"
                    + " addresses configured); your address is " + shown);
        }
        if (address == null || !s.whitelist().allows(address)) {
            LOG.warn("refused {} from {}: address not in {}.ip_white_lists of {}", what, shown, ImporterConfig.SECTION,
                    config.file());
            return new ApiException(403, "forbidden", "address " + shown + " is not on this server's import whitelist");
        }
        if (s.token() != null) {
            String given = authorization != null && authorization.startsWith("Bearer ")
                    ? authorization.substring(7).trim() : "";
            if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), s.token().getBytes(StandardCharsets.UTF_8))) {
                LOG.warn("refused {} from {}: {}", what, shown, authorization == null ? "no token" : "wrong token");
                return new ApiException(401, "unauthorized", "this server requires its shared-secret token"
                        + " (Authorization: Bearer ...)");
            }
        }
        return null;
    }

    static String display(InetAddress address) {
        return address == null ? "unknown" : IpWhitelist.display(address);
    }

    static InetAddress remoteAddress(HttpServerRequest req) {
        SocketAddress sa = req == null ? null : req.connection().remoteAddress(false);
        if (sa != null && sa.hostAddress() != null) {
            try {
                return InetAddress.getByName(sa.hostAddress()); // an address literal: no lookup
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }
}
