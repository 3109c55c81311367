package org.kgmigration.migrate;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kgmigration.error.KgmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local, append-only record of what an import has delivered, so that a run interrupted by a
 * network loss, Ctrl-C or kill continues where it stopped when started again with the same input.
 *
 * <p>Text, one line per event, each written and forced to disk before the next batch of that store
 * is counted as done:
 *
 * <pre>
 * kgm-migrate-journal 1 SOURCE DUMP     -- identities of source (+ class filter) and dump (+ batch settings)
 * B STORE ORDINAL COUNT LASTKEY         -- message batch ORDINAL (0, 1, ...) of STORE was accepted
 * C STORE UPN                           -- STORE was completed
 * </pre>
 *
 * <p>Batches of a store are cut the same way on every run with the same input and settings (the
 * fingerprint covers both), so ORDINAL identifies a batch; LASTKEY (its last message's source key)
 * lets the next run check that. Batches finish out of order when they are sent in parallel; the
 * journal keeps, per store, only the highest ordinal below which every batch is done plus the few
 * finished ones above it: memory grows with the number of stores and the concurrency, never with
 * the number of messages. A batch that was accepted by the server but not yet journaled when the
 * run died is sent again; the server answers "present" for every message of it (idempotency by
 * source key), so nothing is duplicated.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final String MAGIC = "kgm-migrate-journal 1 ";

    /** Per store: every batch up to {@code watermark} is done; {@code above} are done ones beyond. */
    static final class StoreState {
        long watermark = -1;
        String watermarkKey;
        final TreeMap<Long, String> above = new TreeMap<>();

        void done(long ordinal, String lastKey) {
            if (ordinal <= watermark) {
                return;
            }
            above.put(ordinal, lastKey);
            while (above.containsKey(watermark + 1)) {
                watermark++;
                watermarkKey = above.remove(watermark);
            }
        }

        /** The last key recorded for a finished batch, or null when it is not finished. */
        String doneKey(long ordinal) {
            if (ordinal == watermark) {
                return watermarkKey;
            }
            if (ordinal < watermark) {
                return "";
            }
            return above.get(ordinal);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final Map<String, StoreState> stores = new HashMap<>();
    private final Set<String> completed = new HashSet<>();
    private final boolean resumed;

    private Journal(Path file, FileChannel channel, boolean resumed) {
        this.file = file;
        this.channel = channel;
        this.resumed = resumed;
    }

    /** For tests: one fingerprint for source and dump. */
    static Journal open(Path file, String fingerprint) {
        return open(file, fingerprint, fingerprint);
    }

    /**
     * Opens the journal at {@code file}. One written for the same source and dump is continued. One
     * for a new dump of the same source (kgdump run again, e.g. through a pipe) keeps only its
     * completed stores, which are skipped; the rest is sent again and the importer skips what it
     * has. One for another source or other settings is moved aside to {@code FILE.old} (with a
     * warning) and a new one is started.
     *
     * @param source identity of the source server and the settings that decide what is sent
     * @param dump   identity of this dump and the settings that decide how batches are cut
     */
    public static Journal open(Path file, String source, String dump) {
        String fingerprint = source + " " + dump;
        Map<String, StoreState> stores = new HashMap<>();
        Set<String> completed = new HashSet<>();
        boolean resumed = false;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                boolean endsWithNewline = endsWithNewline(file);
                String first = r.readLine();
                if (first != null && first.equals(MAGIC + fingerprint)) {
                    resumed = true;
                    String line = r.readLine();
                    int n = 1;
                    while (line != null) {
                        n++;
                        String next = r.readLine();
                        if (next == null && !endsWithNewline) {
                            // the last line was cut short by a kill: ignore it, that batch is sent again
                            LOG.info("journal {}: the unfinished last line {} is ignored", file, n);
                            break;
                        }
                        String[] f = line.split(" ");
                        if (f.length == 5 && f[0].equals("B")) {
                            stores.computeIfAbsent(f[1], k -> new StoreState()).done(Long.parseLong(f[2]), f[4]);
                        } else if (f.length == 3 && f[0].equals("C")) {
                            completed.add(f[1]);
                        } else if (!line.isEmpty()) {
                            throw new KgmException("journal " + file + " line " + n + " is damaged: '" + line
                                    + "' (remove the file to start a new journal; the importer skips what it already has)");
                        }
                        line = next;
                    }
                } else if (first != null && first.startsWith(MAGIC + source + " ")) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        String[] f = line.split(" ");
                        if (f.length == 3 && f[0].equals("C")) {
                            completed.add(f[1]);
                        }
                    }
                    Path old = file.resolveSibling(file.getFileName() + ".old");
                    LOG.info("journal {}: a new dump of the same source; its {} completed store(s) are skipped, the store"
                            + " that was in progress is sent again (the importer skips what it already has); the old"
                            + " journal is kept as {}", file, completed.size(), old);
                    Files.move(file, old, StandardCopyOption.REPLACE_EXISTING);
                } else if (first != null) {
                    Path old = file.resolveSibling(file.getFileName() + ".old");
                    LOG.warn("journal {} belongs to another dump or other batch settings; it is moved to {} and a new"
                            + " journal is started (the importer skips what it already has)", file, old);
                    Files.move(file, old, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (NoSuchFileException e) {
                // a new journal
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            Journal j = new Journal(file, ch, resumed);
            j.stores.putAll(stores);
            j.completed.addAll(completed);
            if (!resumed) {
                ch.truncate(0);
                j.append(MAGIC + fingerprint);
                for (String c : completed) {
                    j.append("C " + c + " -");
                }
            } else {
                // drop a last line that a kill left unfinished (it was ignored above)
                long keep = ch.size();
                try (FileChannel rd = FileChannel.open(file, StandardOpenOption.READ)) {
                    ByteBuffer one = ByteBuffer.allocate(1);
                    while (keep > 0) {
                        one.clear();
                        rd.read(one, keep - 1);
                        if (one.get(0) == '\n') {
                            break;
                        }
                        keep--;
                    }
                }
                if (keep < ch.size()) {
                    ch.truncate(keep);
                }
            }
            return j;
        } catch (IOException | NumberFormatException e) {
            throw new KgmException("cannot use the journal " + file + ": " + e.getMessage()
                    + " (set another one with --journal FILE)");
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (FileChannel rd = FileChannel.open(file, StandardOpenOption.READ)) {
            if (rd.size() == 0) {
                return true;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            rd.read(last, rd.size() - 1);
            return last.get(0) == '\n';
        }
    }

    public Path file() {
        return file;
    }

    /** True when this run continues an earlier one. */
    public boolean resumed() {
        return resumed;
    }

    public synchronized boolean storeComplete(String storeGuid) {
        return completed.contains(storeGuid);
    }

    /**
     * The last key that batch {@code ordinal} of the store had when it was done, "" when it is done
     * but below the watermark (its key is no longer kept), or null when it is not done.
     */
    public synchronized String batchDone(String storeGuid, long ordinal) {
        StoreState s = stores.get(storeGuid);
        return s == null ? null : s.doneKey(ordinal);
    }

    /** The number of finished batches of the store known to the journal (at least). */
    public synchronized long doneBelow(String storeGuid) {
        StoreState s = stores.get(storeGuid);
        return s == null ? 0 : s.watermark + 1;
    }

    public synchronized void batch(String storeGuid, long ordinal, int count, String lastKey) {
        stores.computeIfAbsent(storeGuid, k -> new StoreState()).done(ordinal, lastKey);
        append("B " + storeGuid + " " + ordinal + " " + count + " " + lastKey);
    }

    public synchronized void complete(String storeGuid, String upn) {
        completed.add(storeGuid);
        stores.remove(storeGuid);
        append("C " + storeGuid + " " + upn);
    }

    private void append(String line) {
        try {
            ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new KgmException("cannot write the journal " + file + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("closing the journal {}: {}", file, e.toString());
        }
    }
}
