package org.kgmigration.api;

/**
 * Preflight answer for a target user.
 *
 * @param upn          the user principal name
 * @param displayName  display name, or null
 * @param exists       always true (a missing user is a 404)
 * @param active       true while the mailbox is in use: imports are refused (409) then
 * @param quotaBytes   the quota in bytes, or null for none
 * @param usageBytes   bytes stored in the mailbox (messages with their attachment data)
 * @param messages     number of messages in the mailbox
 * @param quotaEnforced whether the server refuses imports beyond the quota
 */
public record UserStatus(String upn, String displayName, boolean exists, boolean active, Long quotaBytes,
        long usageBytes, long messages, boolean quotaEnforced) {
}
