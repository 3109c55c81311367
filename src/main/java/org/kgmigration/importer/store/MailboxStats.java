package org.kgmigration.importer.store;

import java.util.List;

/** Counts of one mailbox and its folders. */
public record MailboxStats(String upn, String displayName, boolean active, Long quotaBytes, long messages,
        long attachments, long bytes, List<FolderStats> folders) {
}
