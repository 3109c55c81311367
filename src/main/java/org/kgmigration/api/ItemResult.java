package org.kgmigration.api;

/**
 * What happened to one item of a message batch.
 *
 * @param sourceKey    the item's source key
 * @param status       {@code imported}, {@code present} (already there), {@code skipped} (message
 *                     class not supported) or {@code refused} (a precondition failed; retry later)
 * @param messageClass the item's message class
 * @param reason       why it was skipped or refused, else null
 */
public record ItemResult(String sourceKey, String status, String messageClass, String reason) {
}
