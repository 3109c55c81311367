package org.kgmigration.cli;

import picocli.CommandLine.Command;

/** {@code bin/kgdump}: reads a Kopano / Zarafa database and writes the dump stream. */
@Command(name = "kgdump",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Reads a Kopano Groupware / Zarafa database (schema revision 63 and later) and its "
                + "attachment storage, read-only, and writes the dump stream that 'migrate import' reads.",
        subcommands = {StoresCommand.class, DumpCommand.class},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  KGDUMP_CONFIG        source settings file (default config/kgdump.yaml)",
            "  KGDUMP_DB_PASSWORD   database password (never on the command line)",
            "  DEBUG_LEVEL          log verbosity: error|warn|info|debug|trace or 0-4 (default info)",
            "  JAVA_OPTS            JVM options (default -Xmx512m -XX:+UseParallelGC)",
            "",
            "All log output goes to stderr; stdout carries only the dump (dump --stdout) or the report.",
            "Exit codes: 0 done, 1 failed, 2 bad usage, 3 done with skipped items, 130 interrupted."})
public final class KgDumpCli extends ProgramCommand {
    public static void main(String[] args) {
        Cli.exit("kgdump", new KgDumpCli(), args);
    }
}
