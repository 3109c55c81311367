package org.kgmigration.cli;

import org.kgmigration.error.ExitCodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kgmigration.camel.CamelJob;
import org.kgmigration.camel.RouteFiles;
import org.kgmigration.migrate.DumpInspector;
import org.kgmigration.migrate.InspectRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code migrate inspect}: checks a dump completely and reports what it holds, uploading nothing. */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {"Checks a dump completely and reports what it holds; uploads nothing.",
            "Verifies every record's checksum, the record order, every attachment's size and SHA-256 and the "
                + "trailer's totals, then prints per store and folder the counts and bytes. Use it to check a dump "
                + "on a removable disk before carrying it. Exactly one of --input and --stdin is required."},
        sortOptions = false,
        footerHeading = "%n",
        footer = {"Exit codes: 0 complete and valid, 1 corrupt or truncated (the message names the byte offset), "
                + "2 bad usage."})
public final class InspectCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--json", description = "print the report as JSON (for scripts) instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Where the dump comes from: a file or standard input. */
    static final class Input {
        @Option(names = "--input", paramLabel = "FILE", required = true,
                description = "the dump file (compressed or not)")
        Path file;

        @Option(names = "--stdin", required = true, description = "read the dump from standard input")
        boolean stdin;
    }

    @Override
    public Integer call() {
        InspectRequest request = new InspectRequest(input.file, json);
        String report;
        try (CamelJob job = CamelJob.named("migrate-inspect")
                .routes(RouteFiles.locations(RouteFiles.INSPECT))
                .bean("dumpInspector", new DumpInspector())
                .start()) {
            report = job.request("direct:inspect", request, String.class);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(report);
        out.flush();
        return ExitCodes.OK;
    }
}
