package org.kgmigration.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the process's real standard output for the data stream and routes everything else that
 * writes to {@code System.out} (libraries, stray prints) to standard error.
 *
 * <p>{@code kgdump dump --stdout} must put nothing but the dump on stdout, so the programs call
 * {@link #capture()} before anything else runs; from then on only code that asks for
 * {@link #stdout()} can write there.
 */
public final class StdStreams {
    private static volatile OutputStream stdout;

    private StdStreams() {
    }

    /** Redirects {@code System.out} to stderr; idempotent. */
    public static synchronized void capture() {
        if (stdout == null) {
            stdout = new FileOutputStream(FileDescriptor.out);
            System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        }
    }

    /** The real standard output (unbuffered). Callers wrap it in their own buffer. */
    public static OutputStream stdout() {
        capture();
        return stdout;
    }

    /** A text writer on the real standard output, for help texts and reports meant for stdout. */
    public static PrintStream stdoutText() {
        return new PrintStream(stdout(), true, StandardCharsets.UTF_8);
    }
}
