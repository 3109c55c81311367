package org.kgmigration.cli;

import org.kgmigration.error.ExitCodes;
import org.kgmigration.error.UsageException;
import org.kgmigration.error.KgmException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import org.kgmigration.camel.CamelJob;
import org.kgmigration.camel.RouteFiles;
import org.kgmigration.kopano.DumpOptions;
import org.kgmigration.kopano.DumpWriterSpool;
import org.kgmigration.kopano.KopanoConnector;
import org.kgmigration.kopano.KopanoDump;
import org.kgmigration.kopano.KopanoSource;
import org.kgmigration.kopano.SourceConfig;
import org.kgmigration.kopano.SourceException;
import org.kgmigration.kopano.Tally;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.DumpWriter;
import org.kgmigration.stream.StoreSelector;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kgdump dump}: writes the dump stream of the selected stores to stdout or a file. */
@Command(name = "dump", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Reads the selected stores (default: all but SYSTEM) read-only and writes the dump stream "
                + "that 'migrate import' reads: to stdout (--stdout) or to a file (--output=FILE, by convention *.d1; "
                + "written as FILE.part and renamed when complete). Soft-deleted items and search folders are skipped "
                + "and counted. Exit code 3 when data problems (e.g. missing attachment files) were counted.",
            "", "Options:"},
        sortOptions = false)
public final class DumpCommand implements Callable<Integer> {
    static final int MAX_CONCURRENCY = 64;

    /** Exactly one destination. */
    static final class Target {
        @Option(names = "--stdout", required = true, description = "write the stream to standard output")
        boolean stdout;

        @Option(names = "--output", paramLabel = "FILE", required = true,
                description = "write the stream to FILE (via FILE.part, renamed at the end); FILE must not exist")
        Path output;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Mixin
    SelectionOptions selection = new SelectionOptions();

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1",
            description = "read up to N folders in parallel, each on its own connection and spooled to a temporary "
                    + "file (at most N at a time), appended in folder order (default 1)")
    int concurrency;

    @Option(names = "--include-soft-deleted",
            description = "also export soft-deleted folders and messages, marked deleted (default: skip and count them)")
    boolean includeSoftDeleted;

    @Option(names = "--strict", description = "stop at the first attachment whose data is missing (default: export "
            + "it flagged as missing, warn and count)")
    boolean strict;

    @Option(names = "--compress", description = "gzip the stream (readers detect it)")
    boolean compress;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "auto|bar|lines|none: a live bar on a terminal, else a plain line every --progress-interval")
    String progress;

    @Option(names = "--progress-interval", paramLabel = "SECONDS", defaultValue = "30",
            description = "seconds between plain progress lines (default 30)")
    int progressInterval;

    @Mixin
    SourceOptions source = new SourceOptions();

    private volatile Path partFile;
    private volatile boolean finished;

    @Override
    public Integer call() {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new UsageException("--concurrency must be between 1 and " + MAX_CONCURRENCY);
        }
        if (progressInterval < 1) {
            throw new UsageException("--progress-interval must be at least 1 second");
        }
        Progress.Mode mode = Progress.Mode.parse(progress);
        StoreSelector selector = selection.selector();
        Map<String, String> env = System.getenv();
        SourceConfig cfg = source.load(env);
        if (target.stdout && System.console() != null) {
            throw new UsageException("refusing to write the binary dump to a terminal: pipe it into "
                    + "'bin/migrate import --stdin' or use --output=FILE");
        }
        Path output = target.output == null ? null : target.output.toAbsolutePath().normalize();
        if (output != null) {
            checkOutput(output);
        }
        KopanoSource src = open(cfg);
        DumpOptions options = DumpOptions.defaults().withConcurrency(concurrency).withSoftDeleted(includeSoftDeleted)
                .withStrict(strict);
        PrintStream err = System.err;
        OutputStream os = null;
        DumpWriter writer = null;
        KopanoDump dump = null;
        Thread hook = null;
        Progress prog = new Progress(err, mode, progressInterval * 1000L);
        try {
            os = output == null ? StdStreams.stdout() : openPart(output);
            writer = new DumpWriter(os, compress);
            dump = new KopanoDump(src, options, selector, writer, new DumpWriterSpool(writer), cfg.tempDir(), prog,
                    Version.get());
            KopanoDump d = dump;
            hook = new Thread(() -> {
                d.cleanup();
                removePart();
            }, "kgdump-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                dump.prepare();
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            KopanoDump.Summary sum;
            try (CamelJob job = CamelJob.named("kgdump").routes(RouteFiles.locations(RouteFiles.DUMP))
                    .bean("kgdump", dump).start()) {
                sum = job.request("direct:dump", null, KopanoDump.Summary.class);
            }
            writer.close();
            if (output != null) {
                try (FileChannel ch = FileChannel.open(partFile, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Files.move(partFile, output, StandardCopyOption.ATOMIC_MOVE);
                partFile = null;
            }
            finished = true;
            prog.close();
            report(err, sum, output, writer);
            return sum.hasProblems() ? ExitCodes.SKIPPED : ExitCodes.OK;
        } catch (RuntimeException | IOException e) {
            throw translate(e, output);
        } finally {
            prog.close();
            if (dump != null) {
                dump.cleanup();
            }
            if (!finished) {
                KopanoConnector.closeQuietly(writer != null ? writer : os);
                removePart();
            }
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // the JVM is already shutting down: the hook runs
                }
            }
        }
    }

    private static KopanoSource open(SourceConfig cfg) {
        try {
            return KopanoSource.open(cfg, true);
        } catch (SourceException e) {
            throw new KgmException(e.getMessage(), e);
        }
    }

    /** The output must not exist and its directory must be writable. */
    private static void checkOutput(Path output) {
        if (Files.exists(output)) {
            throw new UsageException(output + " already exists; remove it or choose another name");
        }
        Path dir = output.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new KgmException("cannot write " + output + ": directory " + dir + " does not exist");
        }
    }

    private OutputStream openPart(Path output) throws IOException {
        Path part = output.resolveSibling(output.getFileName() + ".part");
        try {
            OutputStream os = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            partFile = part;
            return os;
        } catch (AccessDeniedException e) {
            throw new KgmException("cannot write " + output + ": permission denied in " + output.getParent(), e);
        } catch (NoSuchFileException | NotDirectoryException | FileAlreadyExistsException e) {
            throw new KgmException("cannot write " + output + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        } catch (IOException e) {
            throw new KgmException("cannot write " + output + ": " + e.getMessage(), e);
        }
    }

    private void removePart() {
        Path p = partFile;
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // reported by the caller's error
            }
        }
    }

    /** One line for whatever ended the run. */
    private static RuntimeException translate(Exception e, Path output) {
        // Camel wraps what a route throws (CamelJob turns checked causes into a KgmException with the
        // wrapper's text): the reason is the innermost source or output error
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SourceException s) {
                return new KgmException(s.getMessage(), s);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException io) {
                String where = output == null ? "the dump to standard output" : output.toString();
                String msg = io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage();
                if (output == null && msg.toLowerCase(java.util.Locale.ROOT).contains("broken pipe")) {
                    return new KgmException("writing " + where + " failed: the reading side closed the pipe");
                }
                return new KgmException("writing " + where + " failed: " + msg
                        + (output == null ? "" : "; the partial file was removed"), io);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KgmException k) {
                return k;
            }
        }
        return e instanceof RuntimeException r ? r : new KgmException(String.valueOf(e.getMessage()), e);
    }

    private static void report(PrintStream err, KopanoDump.Summary sum, Path output, DumpWriter writer) {
        DumpRecord.Totals t = sum.total();
        err.println("kgdump: wrote " + (output == null ? "the dump to standard output" : output) + ": " + sum.stores()
                + " stores, " + t.folders() + " folders, " + t.messages() + " messages and " + t.associated()
                + " associated, " + t.attachments() + " attachments (" + StoresCommand.size(t.attachmentBytes())
                + " of data), " + writer.recordsWritten() + " records, " + StoresCommand.size(writer.outputBytes())
                + " in " + Progress.duration(sum.millis() / 1000));
        StringJoiner chosen = new StringJoiner(", ");
        StringJoiner problems = new StringJoiner(", ");
        if (t.missingAttachments() > 0) {
            problems.add(t.missingAttachments() + " × attachment data missing");
        }
        t.skipped().forEach((reason, n) -> (Tally.BY_CHOICE.contains(reason) ? chosen : problems).add(n + " × " + reason));
        if (chosen.length() > 0) {
            err.println("kgdump: skipped as asked: " + chosen);
        }
        if (problems.length() > 0) {
            err.println("kgdump: PROBLEMS (see the warnings above): " + problems);
        }
    }
}
