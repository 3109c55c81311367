package org.kgmigration.kopano;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.RecordSink;

/**
 * Dumps the folders of a store with N readers in parallel, the output strictly in folder order. The
 * folder next in line writes straight into the output; each folder after it goes into its own spool
 * file until it is next in line: then what it has spooled so far is appended to the output and the
 * rest of it is written there directly ({@link Relay}). A folder is only started while fewer than N
 * folders are in progress, so the temporary space never exceeds the N - 1 largest folders. Spool
 * files are deleted when appended and on any failure.
 */
final class FolderPool {
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** Writes one folder into a sink. */
    interface FolderWriter {
        void write(FolderReader reader, FolderNode folder, RecordSink out) throws IOException;
    }

    private FolderPool() {
    }

    /**
     * @param readers one reader per worker (each with its own connection); at least one
     * @param dir     where the spool files go (exists)
     */
    static void run(List<FolderNode> folders, List<FolderReader> readers, FolderSpool spool, Path dir,
                    FolderWriter writer) throws IOException {
        int n = readers.size();
        BlockingQueue<FolderReader> idle = new ArrayBlockingQueue<>(n, false, readers);
        int pool = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService ex = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "kgdump-folder-" + pool + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> futures = new ArrayList<>(folders.size());
        List<Relay> relays = new ArrayList<>(folders.size());
        List<Path> files = new ArrayList<>(folders.size());
        int next = 0;
        try {
            for (int i = 0; i < folders.size(); i++) {
                while (i - next >= n) {
                    next = finish(next, futures, relays);
                }
                FolderNode f = folders.get(i);
                Path file = dir.resolve(String.format("folder-%d-%06d.spool", pool, i));
                files.add(file);
                Relay relay = new Relay(spool, file);
                if (i == next) {
                    relay.handOver();
                }
                relays.add(relay);
                futures.add(ex.submit(() -> {
                    FolderReader r = idle.take();
                    try {
                        relay.open();
                        writer.write(r, f, relay);
                    } finally {
                        try {
                            relay.close();
                        } finally {
                            idle.put(r);
                        }
                    }
                    return null;
                }));
            }
            while (next < folders.size()) {
                next = finish(next, futures, relays);
            }
        } finally {
            ex.shutdownNow();
            try {
                ex.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Path p : files) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the run's temporary directory is removed as a whole at the end
                }
            }
        }
    }

    /**
     * Waits until folder {@code k} (next in line, already handed over) is written, then hands the
     * following folder over to the output; returns the new next folder.
     */
    private static int finish(int k, List<Future<?>> futures, List<Relay> relays) throws IOException {
        Await.result(futures.get(k), IOException.class, "a folder");
        futures.set(k, null);
        relays.set(k, null);
        int next = k + 1;
        if (next < relays.size()) {
            relays.get(next).handOver();
        }
        return next;
    }

    /**
     * A folder's records on their way out: into the folder's spool file while an earlier folder is
     * still being written, straight into the output once the folder is next in line. The worker
     * writes and the main thread hands over under this object's lock; the main thread writes nothing
     * else to the output until the folder's worker is done, so the output has one writer at a time.
     */
    static final class Relay implements RecordSink {
        private final FolderSpool spool;
        private final Path file;
        private FolderSpool.Writer spooled;
        private boolean spoolOpen;
        private boolean direct;

        Relay(FolderSpool spool, Path file) {
            this.spool = spool;
            this.file = file;
        }

        /** The worker starts: a spool file unless the folder is already next in line. */
        synchronized void open() throws IOException {
            if (!direct) {
                spooled = spool.create(file);
                spoolOpen = true;
            }
        }

        @Override
        public synchronized void write(DumpRecord record) throws IOException {
            (direct ? spool.output() : spooled).write(record);
        }

        @Override
        public synchronized void data(byte[] bytes, int length) throws IOException {
            (direct ? spool.output() : spooled).data(bytes, length);
        }

        /** The worker is done (or failed): a spool file is finished and waits for its hand-over. */
        synchronized void close() throws IOException {
            if (spoolOpen) {
                spoolOpen = false;
                spooled.close();
            }
        }

        /** The folder is next in line: what it spooled goes to the output, and from now on it writes there. */
        synchronized void handOver() throws IOException {
            if (spooled != null) {
                close();
                spooled = null;
                spool.append(file);
                Files.delete(file);
            }
            direct = true;
        }
    }
}
