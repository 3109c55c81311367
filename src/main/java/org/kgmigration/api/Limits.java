package org.kgmigration.api;

/**
 * Request limits.
 *
 * @param maxBatchItems  most messages in one batch
 * @param maxBatchBytes  largest request body of a batch or a folder request, in bytes
 * @param maxBlobBytes   largest blob, in bytes
 */
public record Limits(int maxBatchItems, long maxBatchBytes, long maxBlobBytes) {
}
