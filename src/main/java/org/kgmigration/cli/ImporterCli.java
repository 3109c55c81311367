package org.kgmigration.cli;

import picocli.CommandLine.Command;

/** {@code bin/importer}: the Exchange4all importer endpoint and its administration. */
@Command(name = "importer",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "The Exchange4all importer endpoint: accepts uploads over HTTPS only from whitelisted "
                + "addresses, only into existing, inactive mailboxes, and writes them to the mailbox store.",
        subcommands = {},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  E4A_CONFIG           configuration file (default /storage/config.yaml)",
            "  DEBUG_LEVEL          log verbosity: error|warn|info|debug|trace or 0-4 (default info)",
            "  JAVA_OPTS            JVM options (default -Xmx512m)",
            "",
            "Exit codes: 0 done, 1 failed, 2 bad usage."})
public final class ImporterCli extends ProgramCommand {
    public static void main(String[] args) {
        Cli.exit("importer", new ImporterCli(), args);
    }
}
