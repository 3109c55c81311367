package org.kgmigration.api;

/**
 * A reference to attachment data: lower-case hex SHA-256 and size in bytes, and (API 1.1) optionally
 * the data itself.
 *
 * @param sha256 lower-case hex SHA-256 of the data
 * @param size   size of the data in bytes
 * @param data   the data inline (base64 in JSON, left out when null): at most the server's
 *               {@link Limits#maxInlineBlobBytes()}, exactly {@code size} bytes with that SHA-256.
 *               The server stores it when it imports the message and does not have it yet. Null
 *               when the data was uploaded through the blob endpoint (or is known to be stored), and
 *               always null in blob queries and answers.
 */
public record BlobRef(String sha256, long size, byte[] data) {
    /** A reference without inline data. */
    public static BlobRef of(String sha256, long size) {
        return new BlobRef(sha256, size, null);
    }
}
