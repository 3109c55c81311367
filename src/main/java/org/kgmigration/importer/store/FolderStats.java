package org.kgmigration.importer.store;

/**
 * Counts of one folder.
 *
 * @param path        the folder's path, e.g. {@code /Inbox/Projects}
 * @param role        its well-known role, or null
 * @param messages    messages in it (top level, hidden ones included)
 * @param attachments their attachments (including those of embedded messages)
 * @param bytes       their size including attachment data
 */
public record FolderStats(String path, String role, long messages, long attachments, long bytes) {
}
