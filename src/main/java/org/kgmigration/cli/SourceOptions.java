package org.kgmigration.cli;

import org.kgmigration.error.UsageException;
import java.nio.file.Path;
import java.util.Map;
import org.kgmigration.kopano.SourceConfig;
import org.kgmigration.kopano.SourceException;
import picocli.CommandLine.Option;

/** kgdump's source options: the settings file and the overrides of its values. */
public final class SourceOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "source settings (YAML); default: $KGDUMP_CONFIG, else config/kgdump.yaml")
    Path config;

    @Option(names = "--db-host", paramLabel = "HOST", description = "database host (database.host)")
    String dbHost;

    @Option(names = "--db-port", paramLabel = "PORT", description = "database port (database.port, default 3306)")
    Integer dbPort;

    @Option(names = "--db-socket", paramLabel = "PATH", description = "connect through this unix socket (database.socket)")
    String dbSocket;

    @Option(names = "--db-name", paramLabel = "NAME", description = "database name (database.name, default kopano)")
    String dbName;

    @Option(names = "--db-user", paramLabel = "USER", description = "database user (database.user); the password comes "
            + "from KGDUMP_DB_PASSWORD or database.passwordFile")
    String dbUser;

    @Option(names = "--attachments-dir", paramLabel = "DIR",
            description = "Kopano's attachment_path (attachments.dir, default /var/lib/kopano/attachments)")
    Path attachmentsDir;

    @Option(names = "--attachment-storage", paramLabel = "KIND",
            description = "auto|files|files_v2|database (attachments.storage; auto = what the database says)")
    String storage;

    @Option(names = "--files-l1", paramLabel = "N", description = "first fan-out level of the files storage (default 10)")
    Integer filesL1;

    @Option(names = "--files-l2", paramLabel = "N", description = "second fan-out level of the files storage (default 20)")
    Integer filesL2;

    @Option(names = "--temp-dir", paramLabel = "DIR", description = "spool directory for --concurrency (tempDir)")
    Path tempDir;

    /** The settings: file, then command line; errors as one-line usage errors. */
    SourceConfig load(Map<String, String> env) {
        Path file = config;
        if (file == null && env.get("KGDUMP_CONFIG") != null && !env.get("KGDUMP_CONFIG").isBlank()) {
            file = Path.of(env.get("KGDUMP_CONFIG"));
        }
        try {
            return SourceConfig.load(file, env, new SourceConfig.Overrides(dbHost, dbPort, dbSocket, dbName, dbUser,
                    attachmentsDir, storage, filesL1, filesL2, tempDir));
        } catch (SourceException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
