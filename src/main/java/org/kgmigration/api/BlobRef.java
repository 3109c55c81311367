package org.kgmigration.api;

/** A reference to uploaded attachment data: lower-case hex SHA-256 and size in bytes. */
public record BlobRef(String sha256, long size) {
}
