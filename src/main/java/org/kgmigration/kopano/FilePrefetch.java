package org.kgmigration.kopano;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a batch's attachment files into the operating system's page cache while the batch before
 * it (or the first part of the same batch) is written, so that the writer finds them in memory
 * instead of waiting for the disk file by file: on data nobody has read for a while the disk's
 * waits then overlap with kgdump's own work. The files are copied to {@code /dev/null} by the
 * kernel ({@link FileChannel#transferTo}, i.e. sendfile: no copy into the JVM), at most
 * {@link #MAX_PER_FILE} bytes of each (the kernel's own read-ahead takes care of the rest of a large
 * file). Nothing read here reaches the dump: a file that is missing or unreadable is left to the
 * writer, which reports it.
 */
final class FilePrefetch {
    private static final Logger LOG = LoggerFactory.getLogger(FilePrefetch.class);
    static final long MAX_PER_FILE = 64L << 20;
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    /** Threads that read files ahead (daemons; idle ones end after a minute). */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kgdump-prefetch-" + THREAD_NUMBER.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final FileChannel SINK = sink();

    private FilePrefetch() {
    }

    private static FileChannel sink() {
        try {
            return FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            LOG.debug("no /dev/null: attachment files are not read ahead", e);
            return null;
        }
    }

    /** An attachment's data instance ({@code singleinstances.instanceid} and {@code filename}). */
    record Instance(long id, String filename) {
    }

    /**
     * Starts reading the files of {@code instances} (in this order) into the page cache and returns
     * at once; the future gives the bytes read. Instances whose data comes from the {@code lob} table
     * and files that do not exist are skipped.
     */
    static Future<Long> start(AttachmentReader reader, List<Instance> instances) {
        if (SINK == null || instances.isEmpty()) {
            return CompletableFuture.completedFuture(0L);
        }
        return THREADS.submit(() -> {
            long n = 0;
            for (Instance i : instances) {
                Path p = reader.dataFile(i.id(), i.filename());
                if (p != null) {
                    n += read(p);
                }
            }
            return n;
        });
    }

    /** Reads up to {@link #MAX_PER_FILE} bytes of {@code p} into the page cache; returns how many. */
    private static long read(Path p) {
        try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = Math.min(in.size(), MAX_PER_FILE);
            long pos = 0;
            while (pos < size) {
                long n = in.transferTo(pos, size - pos, SINK);
                if (n <= 0) {
                    break;
                }
                pos += n;
            }
            return pos;
        } catch (IOException | RuntimeException e) {
            LOG.trace("reading {} ahead: {}", p, e.toString());
            return 0;
        }
    }
}
