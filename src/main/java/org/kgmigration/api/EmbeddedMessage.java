package org.kgmigration.api;

import java.util.List;

/** A message embedded in an attachment (has no identity of its own). */
public record EmbeddedMessage(String messageClass, List<Property> properties, List<List<Property>> recipients,
        List<AttachmentItem> attachments) {
}
