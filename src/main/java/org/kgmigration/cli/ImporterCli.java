package org.kgmigration.cli;

import picocli.CommandLine.Command;

/** {@code bin/importer}: the Exchange4all importer endpoint and its administration. */
@Command(name = "importer",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "The Exchange4all importer endpoint: accepts uploads over HTTPS only from whitelisted "
                + "addresses, only into existing, inactive mailboxes, and writes them to the mailbox store.",
        subcommands = {org.kgmigration.importer.cli.ServeCommand.class, org.kgmigration.importer.cli.UsersCommand.class,
            org.kgmigration.importer.cli.StatsCommand.class},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  E4A_CONFIG           configuration file (default /storage/config.yaml)",
            "  E4A_STORE_PASSWORD   database password for a MariaDB mailbox store (--store-url)",
            "  DEBUG_LEVEL          log verbosity: error|warn|info|debug|trace or 0-4 (default info)",
            "  JAVA_OPTS            JVM options (default -Xmx512m -XX:+UseParallelGC)",
            "",
            "Exit codes: 0 done, 1 failed, 2 bad usage (or a bad configuration file)."})
public final class ImporterCli extends ProgramCommand {
    public static void main(String[] args) {
        Cli.exit("importer", new ImporterCli(), args);
    }
}
