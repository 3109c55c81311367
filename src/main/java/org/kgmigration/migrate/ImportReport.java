package org.kgmigration.migrate;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.kgmigration.api.StoreSummary;
import org.kgmigration.error.ExitCodes;
import org.kgmigration.error.KgmException;

/**
 * What an import did, per store and in total: the final report on stderr and, with
 * {@code --report FILE}, the same as JSON. Counters are updated from the delivery threads.
 */
public final class ImportReport {
    /** How a store ended. */
    public enum Status {
        /** everything of the store was delivered (items may have been skipped) */
        IMPORTED,
        /** the store was delivered in an earlier run (journal) */
        ALREADY_COMPLETE,
        /** --dry-run: the store would be imported */
        WOULD_IMPORT,
        /** not selected by --user/--store/--public/--exclude-* */
        NOT_SELECTED,
        /** no target user, and mapping.unmapped is skip */
        SKIPPED_UNMAPPED,
        /** no target user */
        UNMAPPED,
        /** the target user is missing or active, or the server refused the store */
        REFUSED,
        /** delivery failed part-way */
        FAILED
    }

    /** Limits the listed identities of skipped or failed items per store; all are counted and logged. */
    static final int MAX_LISTED = 100;

    /** One store's figures. */
    public static final class StoreReport {
        public final String guid;
        public final String type;
        public final String owner;
        public volatile String target;
        public volatile Status status;
        public volatile String reason;
        public final AtomicLong foldersSent = new AtomicLong();
        public final AtomicLong foldersCreated = new AtomicLong();
        public final AtomicLong foldersMapped = new AtomicLong();
        public final AtomicLong foldersPresent = new AtomicLong();
        public final AtomicLong messages = new AtomicLong();
        public final AtomicLong imported = new AtomicLong();
        public final AtomicLong present = new AtomicLong();
        public final AtomicLong attachments = new AtomicLong();
        public final AtomicLong attachmentBytes = new AtomicLong();
        public final AtomicLong messageBytes = new AtomicLong();
        public final AtomicLong blobsUploaded = new AtomicLong();
        public final AtomicLong blobsPresent = new AtomicLong();
        public final AtomicLong blobBytesUploaded = new AtomicLong();
        /** Attachment data sent inline in the messages (API 1.1), counted per attachment. */
        public final AtomicLong blobsInline = new AtomicLong();
        public final AtomicLong blobBytesInline = new AtomicLong();
        public final AtomicLong failed = new AtomicLong();
        public final AtomicLong batches = new AtomicLong();
        public final AtomicLong batchesFromJournal = new AtomicLong();
        public final AtomicLong retries = new AtomicLong();
        final Map<String, AtomicLong> skipped = new TreeMap<>();
        final List<String> listed = new ArrayList<>();
        public volatile StoreSummary server;
        long startedNanos;
        long endedNanos;

        StoreReport(String guid, String type, String owner) {
            this.guid = guid;
            this.type = type;
            this.owner = owner;
        }

        /** Counts a skipped item under {@code reason}; lists its identity (up to a limit). */
        public synchronized void skip(String reason, long n, String identity) {
            skipped.computeIfAbsent(reason, k -> new AtomicLong()).addAndGet(n);
            if (identity != null && listed.size() < MAX_LISTED) {
                listed.add(reason + ": " + identity);
            }
        }

        /** Counts failed items; lists the identity (up to a limit). */
        public synchronized void fail(long n, String identity) {
            failed.addAndGet(n);
            if (identity != null && listed.size() < MAX_LISTED) {
                listed.add("failed: " + identity);
            }
        }

        public synchronized Map<String, Long> skipped() {
            Map<String, Long> m = new TreeMap<>();
            skipped.forEach((k, v) -> m.put(k, v.get()));
            return m;
        }

        public long skippedTotal() {
            return skipped().values().stream().mapToLong(Long::longValue).sum();
        }

        void start() {
            startedNanos = System.nanoTime();
        }

        void end() {
            endedNanos = System.nanoTime();
        }

        double seconds() {
            if (startedNanos == 0) {
                return 0;
            }
            return ((endedNanos == 0 ? System.nanoTime() : endedNanos) - startedNanos) / 1e9;
        }
    }

    private final Map<String, StoreReport> stores = new LinkedHashMap<>();
    public final AtomicLong retries = new AtomicLong();
    private final long started = System.nanoTime();
    private volatile String fatal;
    private final boolean dryRun;
    private volatile boolean interrupted;
    private final AtomicLong notCarried = new AtomicLong();

    public ImportReport(boolean dryRun) {
        this.dryRun = dryRun;
    }

    public synchronized StoreReport store(String guid, String type, String owner) {
        return stores.computeIfAbsent(guid, g -> new StoreReport(guid, type, owner));
    }

    public synchronized List<StoreReport> stores() {
        return new ArrayList<>(stores.values());
    }

    /** Counts a retry of a request of this store. */
    public void retriesOf(String guid) {
        StoreReport s;
        synchronized (this) {
            s = stores.get(guid);
        }
        if (s != null) {
            s.retries.incrementAndGet();
        }
    }

    /** The run stopped early for this reason. */
    public void fatal(String message) {
        if (fatal == null) {
            fatal = message;
        }
    }

    public String fatal() {
        return fatal;
    }

    public void interrupted() {
        interrupted = true;
    }

    public boolean isInterrupted() {
        return interrupted;
    }

    /** Counts store-level items (store properties, ACLs, rules ...) that API v1 cannot apply yet. */
    public void notCarried(long n) {
        notCarried.addAndGet(n);
    }

    /** 0 when everything selected was delivered, 3 when items were skipped, 1 on any failure. */
    public int exitCode() {
        if (interrupted) {
            return ExitCodes.INTERRUPTED;
        }
        boolean failed = fatal != null;
        boolean skipped = false;
        for (StoreReport s : stores()) {
            switch (s.status == null ? Status.FAILED : s.status) {
                case UNMAPPED, REFUSED, FAILED -> failed = true;
                case SKIPPED_UNMAPPED -> skipped = true;
                default -> {
                }
            }
            if (s.failed.get() > 0) {
                failed = true;
            }
            if (s.skippedTotal() > 0) {
                skipped = true;
            }
        }
        return failed ? ExitCodes.FAILURE : skipped ? ExitCodes.SKIPPED : ExitCodes.OK;
    }

    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, u[i]);
    }

    /** The human-readable report. */
    public void print(PrintStream out) {
        out.println(dryRun ? "migrate import --dry-run: nothing was uploaded; this is what an import would do"
                : "migrate import report");
        for (StoreReport s : stores()) {
            if (s.status == Status.NOT_SELECTED) {
                continue;
            }
            out.printf(java.util.Locale.ROOT, "store %s (%s, %s) -> %s: %s%s%n", s.guid, s.type, s.owner,
                    s.target == null ? "(no target user)" : s.target, (s.status == null ? Status.FAILED : s.status).name()
                            .toLowerCase(java.util.Locale.ROOT).replace('_', ' '), s.reason == null ? "" : " - " + s.reason);
            double sec = s.seconds();
            long total = s.messageBytes.get() + s.attachmentBytes.get();
            if (dryRun) {
                out.printf(java.util.Locale.ROOT, "  folders %d, messages %d, attachments %d, bytes %s (attachments %s)%n",
                        s.foldersSent.get(), s.messages.get(), s.attachments.get(), human(total),
                        human(s.attachmentBytes.get()));
            } else {
                out.printf(java.util.Locale.ROOT, "  folders %d (created %d, mapped %d, present %d), messages %d (imported %d,"
                        + " already there %d), attachments %d, bytes %s (attachments %s), retries %d, %.1f s, %.1f msg/s,"
                        + " %s/s%n", s.foldersSent.get(), s.foldersCreated.get(), s.foldersMapped.get(),
                        s.foldersPresent.get(), s.messages.get(), s.imported.get(), s.present.get(), s.attachments.get(),
                        human(total), human(s.attachmentBytes.get()), s.retries.get(), sec,
                        sec > 0 ? s.messages.get() / sec : 0.0, human(sec > 0 ? (long) (total / sec) : 0));
            }
            if (!dryRun && s.blobsUploaded.get() + s.blobsInline.get() + s.blobsPresent.get() > 0) {
                out.printf(java.util.Locale.ROOT, "  attachment data: %d uploaded (%s), %d inline in the messages (%s),"
                        + " %d already on the importer%n", s.blobsUploaded.get(), human(s.blobBytesUploaded.get()),
                        s.blobsInline.get(), human(s.blobBytesInline.get()), s.blobsPresent.get());
            }
            s.skipped().forEach((k, v) -> out.printf("  skipped %d: %s%n", v, k));
            if (s.failed.get() > 0) {
                out.printf("  FAILED %d item(s)%n", s.failed.get());
            }
            if (s.server != null) {
                out.printf(java.util.Locale.ROOT, "  importer: %d folders, %d messages, %d attachments, %s%n",
                        s.server.folders(), s.server.messages(), s.server.attachments(), human(s.server.bytes()));
            }
        }
        if (notCarried.get() > 0) {
            out.printf("note: %d store-level item(s) (store properties, permissions, receive folders) travel in the dump"
                    + " but import API v1 has no place for them yet%n", notCarried.get());
        }
        out.printf(java.util.Locale.ROOT, "retries: %d, duration %.1f s%n", retries.get(), (System.nanoTime() - started) / 1e9);
        if (fatal != null) {
            out.println("STOPPED: " + fatal);
        }
    }

    /** The report as JSON (written atomically). */
    public void writeJson(Path file) {
        ObjectNode root = ImportClient.JSON.createObjectNode();
        root.put("dryRun", dryRun);
        root.put("exitCode", exitCode());
        root.put("retries", retries.get());
        root.put("durationSeconds", (System.nanoTime() - started) / 1e9);
        root.put("storeLevelItemsNotCarried", notCarried.get());
        if (fatal != null) {
            root.put("stopped", fatal);
        }
        ArrayNode arr = root.putArray("stores");
        for (StoreReport s : stores()) {
            ObjectNode n = arr.addObject();
            n.put("guid", s.guid);
            n.put("type", s.type);
            n.put("owner", s.owner);
            n.put("target", s.target);
            n.put("status", (s.status == null ? Status.FAILED : s.status).name().toLowerCase(java.util.Locale.ROOT));
            n.put("reason", s.reason);
            ObjectNode f = n.putObject("folders");
            f.put("sent", s.foldersSent.get());
            f.put("created", s.foldersCreated.get());
            f.put("mapped", s.foldersMapped.get());
            f.put("present", s.foldersPresent.get());
            n.put("messages", s.messages.get());
            n.put("imported", s.imported.get());
            n.put("alreadyPresent", s.present.get());
            n.put("attachments", s.attachments.get());
            n.put("attachmentBytes", s.attachmentBytes.get());
            n.put("bytes", s.messageBytes.get() + s.attachmentBytes.get());
            ObjectNode b = n.putObject("blobs");
            b.put("uploaded", s.blobsUploaded.get());
            b.put("alreadyOnServer", s.blobsPresent.get());
            b.put("bytesUploaded", s.blobBytesUploaded.get());
            b.put("inline", s.blobsInline.get());
            b.put("bytesInline", s.blobBytesInline.get());
            n.put("batches", s.batches.get());
            n.put("retries", s.retries.get());
            n.put("batchesDoneInEarlierRun", s.batchesFromJournal.get());
            ObjectNode sk = n.putObject("skipped");
            s.skipped().forEach(sk::put);
            n.put("failed", s.failed.get());
            ArrayNode l = n.putArray("items");
            synchronized (s) {
                s.listed.forEach(l::add);
            }
            double sec = s.seconds();
            n.put("durationSeconds", sec);
            n.put("messagesPerSecond", sec > 0 ? s.messages.get() / sec : 0);
            n.put("bytesPerSecond", sec > 0 ? (s.messageBytes.get() + s.attachmentBytes.get()) / sec : 0);
            if (s.server != null) {
                n.set("importer", ImportClient.JSON.valueToTree(s.server));
            }
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.write(tmp, ImportClient.JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new KgmException("cannot write the report " + file + ": " + e.getMessage());
        }
    }
}
