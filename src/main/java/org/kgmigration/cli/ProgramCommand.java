package org.kgmigration.cli;

import org.kgmigration.error.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Base of a top-level program: without a subcommand it prints the usage to stderr and exits 2. */
public abstract class ProgramCommand implements Callable<Integer> {
    @CommandLine.Spec
    protected CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println(spec.qualifiedName() + ": a subcommand is required");
        return ExitCodes.USAGE;
    }
}
