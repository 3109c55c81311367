package org.kgmigration.api;

/**
 * Request limits.
 *
 * @param maxBatchItems       most messages in one batch
 * @param maxBatchBytes       largest request body of a batch or a folder request, in bytes
 * @param maxBlobBytes        largest blob, in bytes
 * @param maxInlineBlobBytes  (API 1.1) largest attachment data sent inline in a message batch
 *                            ({@link BlobRef#data()}); 0 = inline data is refused. Absent (null) from
 *                            a 1.0 server, which knows neither inline data nor the blob query.
 * @param maxBlobQuery        (API 1.1) most blobs in one {@code POST /blobs/missing}; absent from a
 *                            1.0 server
 */
public record Limits(int maxBatchItems, long maxBatchBytes, long maxBlobBytes, Long maxInlineBlobBytes,
        Integer maxBlobQuery) {
}
