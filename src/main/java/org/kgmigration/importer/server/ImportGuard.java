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
import org.kgmigration.importer.IpWhitelist;
import org.kgmigration.importer.LiveConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of every API route: the client's address must be on the IP whitelist (403 and a
 * log line naming the address otherwise), and when a shared secret is configured the request must
 * carry it ({@code Authorization: Bearer TOKEN}, else 401). The address is the TCP peer of the
 * connection; forwarding headers are ignored.
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
        InetAddress address = remoteAddress(in);
        String shown = address == null ? "unknown" : IpWhitelist.display(address);
        exchange.setProperty(CLIENT, shown);
        String what = in.getHeader(Exchange.HTTP_METHOD, String.class) + " " + in.getHeader(Exchange.HTTP_PATH, String.class);
        LiveConfig.Snapshot s = config.current();
        if (s.whitelist().isEmpty()) {
            LOG.warn("refused {} from {}: the import API is off because {}", what, shown, s.offReason());
            throw new ApiException(403, "forbidden", "the import API is disabled on this server (no trusted"
                    + " addresses configured); your address is " + shown);
        }
        if (address == null || !s.whitelist().allows(address)) {
            LOG.warn("refused {} from {}: address not in {}.ip_white_lists of {}", what, shown,
                    org.kgmigration.importer.ImporterConfig.SECTION, config.file());
            throw new ApiException(403, "forbidden", "address " + shown + " is not on this server's import whitelist");
        }
        if (s.token() != null) {
            String auth = in.getHeader("Authorization", String.class);
            String given = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim() : "";
            if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), s.token().getBytes(StandardCharsets.UTF_8))) {
                LOG.warn("refused {} from {}: {}", what, shown, auth == null ? "no token" : "wrong token");
                throw new ApiException(401, "unauthorized", "this server requires its shared-secret token"
                        + " (Authorization: Bearer ...)");
            }
        }
        in.removeHeader("Authorization");
    }

    private static InetAddress remoteAddress(Message in) {
        if (in instanceof HttpMessage hm) {
            HttpServerRequest req = hm.getRequest();
            SocketAddress sa = req == null ? null : req.connection().remoteAddress(false);
            if (sa != null && sa.hostAddress() != null) {
                try {
                    return InetAddress.getByName(sa.hostAddress()); // an address literal: no lookup
                } catch (UnknownHostException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
