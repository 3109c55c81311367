package org.kgmigration.importer.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.main.Main;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.kgmigration.camel.RouteFiles;
import org.kgmigration.error.KgmException;
import org.kgmigration.importer.ImportService;
import org.kgmigration.importer.LiveConfig;
import org.kgmigration.importer.store.MailboxStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running importer endpoint: camel-main with the {@code importer-*.camel.yaml} routes on an
 * HTTPS platform-http server (Vert.x). Request bodies are spooled to disk above 1 MiB by Camel's
 * stream caching, so memory does not depend on their size.
 */
public final class ImporterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImporterServer.class);
    private final Main main;
    private final ImporterHttpServer http;

    private ImporterServer(Main main, ImporterHttpServer http) {
        this.http = http;
        this.main = main;
    }

    /** Starts listening; throws {@link KgmException} with one line when it cannot. */
    public static ImporterServer start(ServerSettings settings, LiveConfig config, MailboxStore store) {
        SSLContextParameters tls = tls(settings);
        VertxPlatformHttpServerConfiguration conf = new VertxPlatformHttpServerConfiguration();
        conf.setBindHost(settings.host());
        conf.setBindPort(settings.port());
        conf.setSslContextParameters(tls);
        ImportGuard guard = new ImportGuard(config);
        ImporterHttpServer http = new ImporterHttpServer(conf, settings.tlsClientCa() != null, guard);

        Path spool = settings.dataDir().resolve("spool");
        try {
            Files.createDirectories(spool);
        } catch (java.io.IOException e) {
            throw new KgmException("cannot create the spool directory " + spool + ": " + e.getMessage(), e);
        }
        Main main = new Main();
        main.configure().withName("importer")
                .withRoutesIncludePattern(RouteFiles.locations(RouteFiles.IMPORTER))
                .withJmxEnabled(false)
                .withShutdownTimeout(10)
                .withStreamCachingEnabled(true)
                .withStreamCachingSpoolEnabled(true)
                .withStreamCachingSpoolDirectory(spool.toAbsolutePath().toString())
                .withStreamCachingSpoolThreshold(1L << 20);
        main.bind("importGuard", guard);
        main.bind("importApi", new ImportApiBean(new ImportService(store, config)));
        main.bind("apiErrors", new ApiErrorResponder());
        main.configure().addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(CamelContext context) throws Exception {
                context.addService(http);
            }
        });
        try {
            main.start();
        } catch (Exception e) {
            main.stop();
            throw new KgmException("cannot start the importer on " + settings.host() + ":" + settings.port() + ": "
                    + rootMessage(e), e);
        }
        if (main.getCamelContext() == null || !main.getCamelContext().isStarted()) {
            main.stop();
            throw new KgmException("cannot start the importer on " + settings.host() + ":" + settings.port());
        }
        LOG.info("importer listening on https://{}:{}/ (store {}, client certificates {}, TLS by {})",
                settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host(), settings.port(),
                store.describe(), settings.tlsClientCa() == null ? "not required" : "required",
                ImporterHttpServer.tlsEngine());
        return new ImporterServer(main, http);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static SSLContextParameters tls(ServerSettings s) {
        if (s.tlsCert() == null || s.tlsKey() == null) {
            throw new org.kgmigration.error.UsageException("HTTPS needs a certificate and a key: set tls_cert and tls_key"
                    + " in the configuration or give --tls-cert and --tls-key");
        }
        byte[] r = new byte[16];
        new SecureRandom().nextBytes(r);
        String pw = HexFormat.of().formatHex(r);
        KeyStore ks = PemFiles.keyStore(s.tlsCert(), s.tlsKey(), pw.toCharArray());
        KeyStoreParameters ksp = new KeyStoreParameters();
        ksp.setKeyStore(ks);
        ksp.setPassword(pw);
        KeyManagersParameters kmp = new KeyManagersParameters();
        kmp.setKeyStore(ksp);
        kmp.setKeyPassword(pw);
        SSLContextParameters p = new SSLContextParameters();
        p.setKeyManagers(kmp);
        if (s.tlsClientCa() != null) {
            KeyStoreParameters tsp = new KeyStoreParameters();
            tsp.setKeyStore(PemFiles.trustStore(s.tlsClientCa()));
            TrustManagersParameters tmp = new TrustManagersParameters();
            tmp.setKeyStore(tsp);
            p.setTrustManagers(tmp);
        }
        return p;
    }

    /** The Camel context (for tests). */
    public CamelContext context() {
        return main.getCamelContext();
    }

    /**
     * Stops the listener first, so that a client sees a closed connection (and retries) rather than
     * the 404 answers of a router whose routes are already gone, then stops Camel.
     */
    @Override
    public void close() {
        try {
            http.stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping the HTTPS listener: {}", e.toString());
        }
        main.stop();
    }
}
