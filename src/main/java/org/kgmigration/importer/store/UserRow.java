package org.kgmigration.importer.store;

/** A target user as stored. */
public record UserRow(long id, String upn, String displayName, boolean active, Long quotaBytes, long usageBytes,
        long messageCount) {
}
