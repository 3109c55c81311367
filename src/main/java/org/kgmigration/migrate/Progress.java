package org.kgmigration.migrate;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress on stderr while an import runs: on a terminal one line redrawn in place with a bar (when
 * the input size is known), otherwise a plain line every {@code interval} seconds and one at the
 * end, for logs.
 */
public final class Progress implements AutoCloseable {
    public final AtomicLong messages = new AtomicLong();
    public final AtomicLong stores = new AtomicLong();
    public final AtomicLong uploadedBytes = new AtomicLong();
    private final PrintStream err;
    private final boolean terminal;
    private final long totalBytes;
    private final LongSupplier readBytes;
    private final Thread thread;
    private final long started = System.nanoTime();
    private volatile String current = "";
    private volatile boolean stop;

    /**
     * @param totalBytes size of the input file, or -1 for a pipe
     * @param readBytes  bytes of the input consumed so far
     * @param intervalS  seconds between plain lines (a terminal is redrawn every second)
     */
    public Progress(PrintStream err, boolean terminal, long totalBytes, LongSupplier readBytes, int intervalS) {
        this.err = err;
        this.terminal = terminal;
        this.totalBytes = totalBytes;
        this.readBytes = readBytes;
        long period = terminal ? 1000 : Math.max(1, intervalS) * 1000L;
        this.thread = new Thread(() -> {
            while (!stop) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
                if (!stop) {
                    show();
                }
            }
        }, "migrate-progress");
        thread.setDaemon(true);
    }

    public Progress start() {
        thread.start();
        return this;
    }

    public void store(String label) {
        current = label;
    }

    String line() {
        double sec = (System.nanoTime() - started) / 1e9;
        long read = readBytes.getAsLong();
        StringBuilder sb = new StringBuilder();
        if (totalBytes > 0) {
            double f = Math.min(1.0, read / (double) totalBytes);
            if (terminal) {
                int w = 24;
                int n = (int) Math.round(f * w);
                sb.append('[').append("#".repeat(n)).append(" ".repeat(w - n)).append("] ");
            }
            sb.append(String.format(Locale.ROOT, "%5.1f%% ", f * 100));
        }
        sb.append(String.format(Locale.ROOT, "read %s, %d messages, %d stores, uploaded %s, %.0f s",
                mib(read), messages.get(), stores.get(), mib(uploadedBytes.get()), sec));
        if (!current.isEmpty()) {
            sb.append(" - ").append(current);
        }
        return sb.toString();
    }

    private static String mib(long b) {
        return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
    }

    private synchronized void show() {
        if (terminal) {
            err.print("\r" + line() + "\u001b[K");
            err.flush();
        } else {
            err.println("progress: " + line());
        }
    }

    /** Stops; the last state is shown once more (a log run shorter than the interval gets this one line). */
    @Override
    public synchronized void close() {
        if (stop) {
            return;
        }
        stop = true;
        thread.interrupt();
        if (terminal) {
            err.print("\r" + line() + "\u001b[K\n");
            err.flush();
        } else {
            err.println("progress: " + line());
        }
    }
}
