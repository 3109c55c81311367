package org.kgmigration.api;

import java.util.List;

/**
 * Answer of {@code POST /api/v1/blobs/missing} (API 1.1).
 *
 * @param missing the queried blobs the server does not have (or has with another size), in request
 *                order: upload these before sending messages that refer to them
 */
public record BlobQueryResult(List<BlobRef> missing) {
}
