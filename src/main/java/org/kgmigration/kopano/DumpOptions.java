package org.kgmigration.kopano;

/**
 * How a dump reads.
 *
 * @param includeSoftDeleted export soft-deleted folders and messages (marked deleted) instead of skipping them
 * @param strict             a missing attachment is fatal instead of a counted warning
 * @param concurrency        folders read in parallel (each on its own connection, spooled)
 * @param pageSize           message ids fetched per page query
 * @param batchBytes         PR_MESSAGE_SIZE sum of the messages read per batch (bounds memory)
 * @param batchMessages      messages read per batch at most
 */
public record DumpOptions(boolean includeSoftDeleted, boolean strict, int concurrency, int pageSize,
                          long batchBytes, int batchMessages) {
    public static final int DEFAULT_PAGE = 1000;
    public static final long DEFAULT_BATCH_BYTES = 8L << 20;
    public static final int DEFAULT_BATCH_MESSAGES = 500;

    public DumpOptions {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        if (pageSize < 1 || batchMessages < 1 || batchBytes < 1) {
            throw new IllegalArgumentException("page and batch sizes must be positive");
        }
    }

    public static DumpOptions defaults() {
        return new DumpOptions(false, false, 1, DEFAULT_PAGE, DEFAULT_BATCH_BYTES, DEFAULT_BATCH_MESSAGES);
    }

    public DumpOptions withConcurrency(int n) {
        return new DumpOptions(includeSoftDeleted, strict, n, pageSize, batchBytes, batchMessages);
    }

    public DumpOptions withSoftDeleted(boolean include) {
        return new DumpOptions(include, strict, concurrency, pageSize, batchBytes, batchMessages);
    }

    public DumpOptions withStrict(boolean s) {
        return new DumpOptions(includeSoftDeleted, s, concurrency, pageSize, batchBytes, batchMessages);
    }

    public DumpOptions withBatches(int page, long bytes, int messages) {
        return new DumpOptions(includeSoftDeleted, strict, concurrency, page, bytes, messages);
    }
}
