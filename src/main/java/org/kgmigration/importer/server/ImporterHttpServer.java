package org.kgmigration.importer.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;

/**
 * Camel's Vert.x HTTP server for platform-http, with two additions:
 * <ul>
 * <li>the {@link EarlyGuard} runs first on the router, before any handler reads a request body;</li>
 * <li>when a client CA is configured the TLS handshake requires a client certificate. Camel 4.18
 * passes the trust store to Vert.x but has no setting for client authentication, so the server
 * options are completed here, on their way into {@code Vertx.createHttpServer}.</li>
 * </ul>
 */
final class ImporterHttpServer extends VertxPlatformHttpServer {
    private final VertxPlatformHttpServerConfiguration configuration;
    private final boolean requireClientCertificate;
    private final EarlyGuard guard;

    ImporterHttpServer(VertxPlatformHttpServerConfiguration configuration, boolean requireClientCertificate,
            ImportGuard guard) {
        super(configuration);
        this.configuration = configuration;
        this.requireClientCertificate = requireClientCertificate;
        this.guard = new EarlyGuard(guard);
    }

    @Override
    protected void initializeServer() {
        super.initializeServer();
        VertxPlatformHttpRouter router = getCamelContext().getRegistry().lookupByNameAndType(
                VertxPlatformHttpRouter.getRouterNameFromPort(configuration.getPort()), VertxPlatformHttpRouter.class);
        if (router == null) {
            throw new IllegalStateException("the platform-http router of port " + configuration.getPort() + " is missing");
        }
        router.route().order(Integer.MIN_VALUE).handler(guard);
    }

    @Override
    protected Vertx createVertxInstance() {
        Vertx vertx = super.createVertxInstance();
        if (!requireClientCertificate) {
            return vertx;
        }
        return (Vertx) Proxy.newProxyInstance(Vertx.class.getClassLoader(), new Class<?>[] {VertxInternal.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createHttpServer") && args != null && args.length == 1
                            && args[0] instanceof HttpServerOptions o) {
                        o.setClientAuth(ClientAuth.REQUIRED);
                    }
                    try {
                        return method.invoke(vertx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
