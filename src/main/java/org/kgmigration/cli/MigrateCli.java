package org.kgmigration.cli;

import picocli.CommandLine.Command;

/** {@code bin/migrate}: reads a dump stream and delivers it to the Exchange4all importer. */
@Command(name = "migrate",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Reads a kgdump stream (stdin or file), maps source stores to target users, filters "
                + "message classes and uploads everything over HTTPS to the Exchange4all importer.",
        subcommands = {InspectCommand.class, org.kgmigration.migrate.ImportCommand.class},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  IMPORTER_CONFIG      YAML file: user mapping, TLS trust, class whitelist, concurrency",
            "  IMPORTER_IMPORT_URL  the importer endpoint, e.g. https://e4a.example.org:8443/",
            "  DEBUG_LEVEL          log verbosity: error|warn|info|debug|trace or 0-4 (default info)",
            "  JAVA_OPTS            JVM options (default -Xmx512m -XX:+UseParallelGC)",
            "",
            "Exit codes: 0 done, 1 failed, 2 bad usage, 3 done with skipped items, 130 interrupted."})
public final class MigrateCli extends ProgramCommand {
    public static void main(String[] args) {
        Cli.exit("migrate", new MigrateCli(), args);
    }
}
