package org.kgmigration.importer.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;

/**
 * Camel's Vert.x HTTP server for platform-http, with three additions:
 * <ul>
 * <li>the {@link EarlyGuard} runs first on the router, before any handler reads a request body;</li>
 * <li>when a client CA is configured the TLS handshake requires a client certificate;</li>
 * <li>TLS runs in BoringSSL (Vert.x's OpenSSL engine, netty-tcnative) where its native library is
 * available (Linux x86_64 and aarch64), else in the JDK. The JDK's AES-GCM takes a slow path for
 * the direct buffers Vert.x decrypts into: it was 13 % to 18 % of the importer's CPU.</li>
 * </ul>
 * Camel 4.18 passes the key and trust store to Vert.x but has no setting for client authentication
 * or the TLS engine, so the server options are completed here, on their way into
 * {@code Vertx.createHttpServer}.
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

    /** Whether TLS runs in BoringSSL ({@code true}) or the JDK. */
    static boolean nativeTls() {
        return !Boolean.getBoolean("kgm.importer.jdkTls") && OpenSSLEngineOptions.isAvailable();
    }

    /** The TLS implementation for the log. */
    static String tlsEngine() {
        return nativeTls() ? io.netty.handler.ssl.OpenSsl.versionString() : "the JDK";
    }

    @Override
    protected Vertx createVertxInstance() {
        Vertx vertx = super.createVertxInstance();
        boolean openSsl = nativeTls();
        if (!requireClientCertificate && !openSsl) {
            return vertx;
        }
        return (Vertx) Proxy.newProxyInstance(Vertx.class.getClassLoader(), new Class<?>[] {VertxInternal.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createHttpServer") && args != null && args.length == 1
                            && args[0] instanceof HttpServerOptions o) {
                        if (requireClientCertificate) {
                            o.setClientAuth(ClientAuth.REQUIRED);
                        }
                        if (openSsl && o.isSsl()) {
                            o.setSslEngineOptions(new OpenSSLEngineOptions());
                        }
                    }
                    try {
                        return method.invoke(vertx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
