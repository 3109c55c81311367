package org.kgmigration.cli;

import org.kgmigration.error.ExitCodes;
import org.kgmigration.error.UsageException;
import org.kgmigration.error.KgmException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Common start-up of the three programs: keeps stdout clean, sets the log level from
 * {@code DEBUG_LEVEL}, parses the command line with picocli and turns every failure into one line
 * on stderr and a meaningful exit code.
 */
public final class Cli {
    private Cli() {
    }

    /** Runs {@code command} with {@code args} and returns the exit code (does not call System.exit). */
    public static int run(String programName, Object command, String[] args) {
        StdStreams.capture();
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        try {
            LogLevel.apply(System.getenv("DEBUG_LEVEL"));
        } catch (UsageException e) {
            err.println(programName + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        CommandLine cl = new CommandLine(command);
        cl.setCommandName(programName);
        cl.setOut(new PrintWriter(new OutputStreamWriter(StdStreams.stdout(), StandardCharsets.UTF_8), true));
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpWidth(100);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName();
            c.getErr().println(name + ": " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> handle(programName, ex, c.getErr()));
        return cl.execute(args);
    }

    static int handle(String programName, Exception ex, PrintWriter err) {
        Throwable t = ex;
        while (!(t instanceof KgmException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof KgmException k) {
            err.println(programName + ": " + oneLine(k.getMessage()));
            Logger log = LoggerFactory.getLogger(Cli.class);
            if (log.isDebugEnabled()) {
                log.debug("details", ex);
            }
            return k.exitCode();
        }
        err.println(programName + ": internal error: " + oneLine(String.valueOf(ex)) + " (run with DEBUG_LEVEL=debug for details)");
        LoggerFactory.getLogger(Cli.class).debug("stack trace", ex);
        return ExitCodes.FAILURE;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.replace('\r', ' ').replace('\n', ' ').trim();
    }

    /** Entry point helper: run and exit with the code. */
    public static void exit(String programName, Object command, String[] args) {
        int code = run(programName, command, args);
        System.exit(code);
    }
}
