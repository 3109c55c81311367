package org.kgmigration.api;

import java.util.List;

/**
 * One top-level message of a batch.
 *
 * @param sourceKey     the message's source key (hex); with the store GUID its identity
 * @param folder        the source key (hex) of its folder, as sent to the folders endpoint
 * @param messageClass  PR_MESSAGE_CLASS, e.g. {@code IPM.Note}
 * @param associated    true for a folder-associated (hidden) message
 * @param properties    every property of the message
 * @param recipients    each recipient as its list of properties
 * @param attachments   the attachments, in order
 */
public record MessageItem(String sourceKey, String folder, String messageClass, boolean associated,
        List<Property> properties, List<List<Property>> recipients, List<AttachmentItem> attachments) {
}
