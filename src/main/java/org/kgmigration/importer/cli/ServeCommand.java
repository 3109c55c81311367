package org.kgmigration.importer.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.kgmigration.error.ExitCodes;
import org.kgmigration.error.UsageException;
import org.kgmigration.importer.ImporterConfig;
import org.kgmigration.importer.LiveConfig;
import org.kgmigration.importer.Sizes;
import org.kgmigration.importer.store.MailboxStore;
import org.kgmigration.importer.server.ImporterServer;
import org.kgmigration.importer.server.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code importer serve}: runs the HTTPS import API until SIGTERM / SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the import API over HTTPS until stopped (SIGTERM or Ctrl-C).",
            "Only addresses listed in e4a.adminrpc.importer.ip_white_lists of the configuration file are served;",
            "with an empty or missing list every request is refused (403). Changes to the whitelist, the",
            "message classes, enforce_quota, the token and the limits take effect without a restart.",
            "Every option overrides the configuration key named in its description."})
public final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    StoreOptions store;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "address and port to listen on, [IPv6]:PORT for IPv6 (listen; default " + ServerSettings.DEFAULT_LISTEN + ")")
    String listen;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "server certificate chain, PEM (tls_cert)")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "server private key, PEM, unencrypted (tls_key)")
    Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "PEM",
            description = "require client certificates issued by these CAs (mutual TLS) (tls_client_ca)")
    Path tlsClientCa;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "require this shared secret from clients as 'Authorization: Bearer ...' (token_file)")
    String tokenFile;

    @Option(names = "--ip-white-list", paramLabel = "ADDRESS", split = ",",
            description = "trusted client address or CIDR range, repeatable; replaces the file's list, which is then"
                    + " not reloaded (ip_white_lists)")
    List<String> ipWhiteLists;

    @Option(names = "--message-class", paramLabel = "CLASS", split = ",",
            description = "message-class whitelist entry, repeatable; replaces the default list (message_classes)")
    List<String> messageClasses;

    @Option(names = "--enforce-quota", negatable = true, description = "refuse (507) imports beyond a user's quota (enforce_quota; default off)")
    Boolean enforceQuota;

    @Option(names = "--max-batch-items", paramLabel = "N", description = "most messages per batch (max_batch_items; default "
            + LiveConfig.DEFAULT_MAX_BATCH_ITEMS + ")")
    Integer maxBatchItems;

    @Option(names = "--max-batch-bytes", paramLabel = "SIZE", description = "largest batch body, e.g. 64M (max_batch_bytes; default 64M)")
    String maxBatchBytes;

    @Option(names = "--max-blob-bytes", paramLabel = "SIZE", description = "largest attachment, e.g. 4G (max_blob_bytes; default 4G)")
    String maxBlobBytes;

    @Override
    public Integer call() throws Exception {
        Path cfgFile = store.configFile();
        if (maxBatchItems != null && maxBatchItems < 1) {
            throw new UsageException("--max-batch-items must be at least 1");
        }
        LiveConfig live = LiveConfig.start(cfgFile, new LiveConfig.Overrides(ipWhiteLists, messageClasses, enforceQuota,
                tokenFile, maxBatchItems, size("--max-batch-bytes", maxBatchBytes), size("--max-blob-bytes", maxBlobBytes)));
        ImporterConfig cfg = ImporterConfig.load(cfgFile);
        String[] hp = ServerSettings.parseListen(listen != null ? listen : cfg.listen() != null ? cfg.listen()
                : ServerSettings.DEFAULT_LISTEN);
        Path dataDir = store.dataDir(cfg);
        Files.createDirectories(dataDir);
        ServerSettings settings = new ServerSettings(hp[0], Integer.parseInt(hp[1]),
                tlsCert != null ? tlsCert : path(cfg.tlsCert()), tlsKey != null ? tlsKey : path(cfg.tlsKey()),
                tlsClientCa != null ? tlsClientCa : path(cfg.tlsClientCa()), dataDir);
        LiveConfig.Snapshot s = live.current();
        if (s.whitelist().isEmpty()) {
            LOG.warn("the import API is OFF: {}; every request is refused with 403 until trusted addresses are listed"
                    + " under {}.ip_white_lists in {} (the file is read again when it changes)", s.offReason(),
                    ImporterConfig.SECTION, cfgFile);
        } else {
            LOG.info("the import API accepts requests from {} (configuration {})", s.whitelist().entries(), cfgFile);
        }
        MailboxStore mailboxes = store.open(cfg);
        int stale = mailboxes.removeIncompleteUploads();
        if (stale > 0) {
            LOG.info("removed {} chunks and files of attachment data that an earlier run did not finish", stale);
        }
        long packet = mailboxes.maxStatementBytes();
        if (packet > 0 && packet < s.limits().maxBatchBytes()) {
            LOG.warn("the store's max_allowed_packet ({}) is smaller than max_batch_bytes ({}): a property value larger"
                    + " than it cannot be stored; raise max_allowed_packet or lower max_batch_bytes",
                    Sizes.human(packet), Sizes.human(s.limits().maxBatchBytes()));
        }
        ImporterServer server;
        try {
            server = ImporterServer.start(settings, live, mailboxes);
        } catch (RuntimeException e) {
            mailboxes.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping the importer");
            try {
                server.close();
            } finally {
                mailboxes.close();
                stopped.countDown();
            }
        }, "importer-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }

    private static Path path(String s) {
        return s == null ? null : Path.of(s);
    }

    private static Long size(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            long l = Sizes.parse(value);
            if (l <= 0) {
                throw new IllegalArgumentException("must be positive");
            }
            return l;
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " '" + value + "' " + e.getMessage());
        }
    }

}
