package org.kgmigration.cli;

import org.kgmigration.error.UsageException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.kgmigration.kopano.DumpListener;
import org.kgmigration.kopano.FolderNode;
import org.kgmigration.kopano.StoreInfo;
import org.kgmigration.kopano.StoreStats;

/**
 * Progress of a dump on stderr: stores, folders, messages and bytes done of the planned totals,
 * rate and ETA. On a terminal a live one-line bar (redrawn with {@code \r}); otherwise a plain line
 * every interval, which stays readable in {@code screen -L} logs and files.
 */
public final class Progress implements DumpListener, AutoCloseable {
    /** How progress is shown. */
    public enum Mode {
        BAR, LINES, NONE;

        /** {@code auto}: a bar when stderr is a terminal ({@code System.console()} exists), else lines. */
        public static Mode parse(String s) {
            return switch (s == null ? "auto" : s.toLowerCase(Locale.ROOT)) {
                case "auto" -> System.console() != null ? BAR : LINES;
                case "bar" -> BAR;
                case "lines" -> LINES;
                case "none", "off" -> NONE;
                default -> throw new UsageException("--progress must be auto, bar, lines or none, not '" + s + "'");
            };
        }
    }

    private final PrintStream err;
    private final Mode mode;
    private final long intervalMillis;
    private final long started = System.currentTimeMillis();
    private final AtomicLong stores = new AtomicLong();
    private final AtomicLong folders = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicReference<String> current = new AtomicReference<>("");
    private volatile long plannedStores;
    private volatile long plannedFolders;
    private volatile long plannedMessages;
    private volatile long plannedBytes;
    private volatile boolean closed;
    private Thread ticker;
    private int lastWidth;

    public Progress(PrintStream err, Mode mode, long intervalMillis) {
        this.err = err;
        this.mode = mode;
        this.intervalMillis = mode == Mode.BAR ? 500 : intervalMillis;
    }

    @Override
    public void planned(long s, long f, long m, long b) {
        plannedStores = s;
        plannedFolders = f;
        plannedMessages = m;
        plannedBytes = b;
        if (mode == Mode.NONE || ticker != null) {
            return;
        }
        ticker = new Thread(this::tick, "kgdump-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    @Override
    public void storeStarted(StoreInfo store, StoreStats stats) {
        stores.incrementAndGet();
        current.set(store.label());
    }

    @Override
    public void messageDone(long size) {
        messages.incrementAndGet();
        bytes.addAndGet(size);
    }

    @Override
    public void folderDone(FolderNode folder) {
        folders.incrementAndGet();
    }

    private void tick() {
        while (!closed) {
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                print();
            }
        }
    }

    private void print() {
        String line = line(System.currentTimeMillis());
        if (mode == Mode.BAR) {
            String pad = line.length() < lastWidth ? " ".repeat(lastWidth - line.length()) : "";
            err.print("\r" + line + pad);
            lastWidth = line.length();
        } else {
            err.println("kgdump: " + line);
        }
        err.flush();
    }

    /** The progress line at time {@code now}. */
    String line(long now) {
        long secs = Math.max(1, (now - started) / 1000);
        long b = bytes.get();
        long m = messages.get();
        String rate = StoresCommand.size(b / secs) + "/s, " + (m / secs) + " msg/s";
        String eta = "";
        double fraction = plannedBytes > 0 ? (double) b / plannedBytes : plannedMessages > 0 ? (double) m / plannedMessages : 0;
        if (fraction > 0.001 && fraction < 1) {
            long left = (long) (secs * (1 - fraction) / fraction);
            eta = ", ETA " + duration(left);
        }
        String pct = plannedBytes > 0 || plannedMessages > 0
                ? String.format(Locale.ROOT, "%3d%% ", (int) Math.min(100, Math.round(fraction * 100))) : "";
        return pct + "stores " + stores.get() + "/" + plannedStores + ", folders " + folders.get() + "/" + plannedFolders
                + ", messages " + m + "/" + plannedMessages + ", " + StoresCommand.size(b) + "/"
                + StoresCommand.size(plannedBytes) + ", " + rate + eta + " [" + current.get() + "]";
    }

    static String duration(long secs) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", secs / 3600, secs / 60 % 60, secs % 60);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.interrupt();
            try {
                ticker.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (mode == Mode.BAR && ticker != null) {
            print();
            err.println();
        }
    }
}
