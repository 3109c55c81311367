package org.kgmigration.importer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kgmigration.error.KgmException;
import org.kgmigration.error.UsageException;
import org.kgmigration.importer.ImporterConfig;
import org.kgmigration.importer.store.MailboxStore;
import org.kgmigration.importer.store.StoreException;
import org.kgmigration.importer.store.StoreLocation;
import picocli.CommandLine.Option;

/** Options every importer subcommand shares: the configuration file and the mailbox store. */
public final class StoreOptions {
    /** Data directory when neither the option nor the configuration names one. */
    public static final Path DEFAULT_DATA_DIR = Path.of("/storage/importer");

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (default: $E4A_CONFIG, else /storage/config.yaml)")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "data directory: the embedded mailbox store, attachment data (blobs/) and the upload spool (config data_dir;"
                    + " default /storage/importer)")
    Path dataDir;

    @Option(names = "--store-url", paramLabel = "JDBC_URL",
            description = "use a MariaDB server as mailbox store, e.g. jdbc:mariadb://db:3306/e4a_import (config"
                    + " store_url); the password comes from $E4A_STORE_PASSWORD or store_password_file")
    String storeUrl;

    @Option(names = "--store-user", paramLabel = "USER", description = "database user for --store-url (config store_user)")
    String storeUser;

    /**
     * The configuration file in force. A file named by {@code --config} or {@code E4A_CONFIG} must
     * exist; only the default file may be missing (then the options alone apply).
     */
    public Path configFile() {
        Path f = ImporterConfig.locate(config);
        String env = System.getenv("E4A_CONFIG");
        boolean named = config != null || (env != null && !env.isBlank());
        if (named && !Files.exists(f)) {
            throw new UsageException("configuration file " + f + " does not exist (named by "
                    + (config != null ? "--config" : "E4A_CONFIG") + ")");
        }
        return f;
    }

    /** Reads the configuration file (a missing one is empty). */
    public ImporterConfig loadConfig() {
        return ImporterConfig.load(configFile());
    }

    /** The data directory in force. */
    public Path dataDir(ImporterConfig cfg) {
        if (dataDir != null) {
            return dataDir;
        }
        return cfg.dataDir() != null ? Path.of(cfg.dataDir()) : DEFAULT_DATA_DIR;
    }

    /** Where the store is, from the options, else the configuration, else the embedded default. */
    public StoreLocation location(ImporterConfig cfg) {
        String url = storeUrl != null ? storeUrl : cfg.storeUrl();
        if (url != null) {
            String user = storeUser != null ? storeUser : cfg.storeUser();
            String password = System.getenv("E4A_STORE_PASSWORD");
            if (password == null && cfg.storePasswordFile() != null) {
                try {
                    password = Files.readString(Path.of(cfg.storePasswordFile()), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new UsageException("store_password_file " + cfg.storePasswordFile() + ": cannot read: "
                            + e.getMessage());
                }
            }
            StoreLocation loc = new StoreLocation(url, user, password, blobDir(cfg));
            try {
                loc.dialect();
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            return loc;
        }
        Path dir = dataDir(cfg);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new KgmException("cannot create the data directory " + dir + ": " + e.getMessage());
        }
        return StoreLocation.embedded(dir).withBlobDir(blobDir(cfg));
    }

    /** Where attachment data goes: data_dir/blobs, or null with {@code blob_store: database}. */
    private Path blobDir(ImporterConfig cfg) {
        return "database".equals(cfg.blobStore()) ? null : dataDir(cfg).toAbsolutePath().normalize().resolve(StoreLocation.BLOB_DIR);
    }

    /** Opens the store; one-line error when it cannot. */
    public MailboxStore open(ImporterConfig cfg) {
        StoreLocation loc = location(cfg);
        try {
            return MailboxStore.open(loc);
        } catch (StoreException e) {
            throw new KgmException(e.getMessage(), e);
        }
    }
}
