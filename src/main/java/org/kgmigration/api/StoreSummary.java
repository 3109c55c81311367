package org.kgmigration.api;

/**
 * Server-side counts for the client's report (store completion).
 *
 * @param upn              target user
 * @param storeGuid        source store
 * @param folders          source folders created or mapped for this store
 * @param messages         messages of this store in the mailbox (top level)
 * @param attachments      their attachments (including those of embedded messages)
 * @param bytes            their size including attachment data
 * @param mailboxMessages  all messages in the mailbox
 * @param mailboxBytes     the mailbox's total size
 * @param completedAt      when the store was marked complete (ISO-8601), null if never
 */
public record StoreSummary(String upn, String storeGuid, long folders, long messages, long attachments, long bytes,
        long mailboxMessages, long mailboxBytes, String completedAt) {
}
