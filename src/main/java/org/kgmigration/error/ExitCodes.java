package org.kgmigration.error;

/** Exit codes shared by the three programs (documented in README.md). */
public final class ExitCodes {
    /** Everything done, nothing skipped. */
    public static final int OK = 0;
    /** The job failed (bad input, unreachable service, corrupt data ...). */
    public static final int FAILURE = 1;
    /** Bad command line or environment. */
    public static final int USAGE = 2;
    /** The job finished, but items were skipped (each one is reported). */
    public static final int SKIPPED = 3;
    /** Interrupted (Ctrl-C / SIGTERM). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
