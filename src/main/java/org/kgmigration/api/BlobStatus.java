package org.kgmigration.api;

/** Response of a blob upload: {@code stored} (new) or {@code present} (already there). */
public record BlobStatus(String sha256, long size, String status) {
}
