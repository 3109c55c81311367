package org.kgmigration.api;

import java.util.List;

/**
 * Request of {@code POST /api/v1/blobs/missing} (API 1.1): the blobs a client is about to refer to,
 * without data, at most {@link Limits#maxBlobQuery()} of them.
 *
 * @param blobs SHA-256 and size of each
 */
public record BlobQuery(List<BlobRef> blobs) {
}
