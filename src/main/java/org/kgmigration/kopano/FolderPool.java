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

/**
 * Dumps the folders of a store with N readers in parallel. Each folder goes into its own spool
 * file; the spools are appended to the output strictly in folder order as soon as each is complete,
 * and a folder is only started while fewer than N spools exist, so the temporary space never
 * exceeds the N largest folders. Spool files are deleted when appended and on any failure.
 */
final class FolderPool {
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** Writes one folder into a sink. */
    interface FolderWriter {
        void write(FolderReader reader, FolderNode folder, org.kgmigration.stream.RecordSink out) throws IOException;
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
        List<Future<Path>> futures = new ArrayList<>(folders.size());
        List<Path> files = new ArrayList<>(folders.size());
        int next = 0;
        try {
            for (int i = 0; i < folders.size(); i++) {
                while (i - next >= n) {
                    append(futures.get(next), spool);
                    futures.set(next, null);
                    next++;
                }
                FolderNode f = folders.get(i);
                Path file = dir.resolve(String.format("folder-%d-%06d.spool", pool, i));
                files.add(file);
                futures.add(ex.submit(() -> {
                    FolderReader r = idle.take();
                    try (FolderSpool.Writer w = spool.create(file)) {
                        writer.write(r, f, w);
                    } finally {
                        idle.put(r);
                    }
                    return file;
                }));
            }
            while (next < folders.size()) {
                append(futures.get(next), spool);
                futures.set(next, null);
                next++;
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

    private static void append(Future<Path> f, FolderSpool spool) throws IOException {
        Path p = Await.result(f, IOException.class, "a folder");
        spool.append(p);
        Files.delete(p);
    }
}
