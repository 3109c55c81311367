package org.kgmigration.api;

import java.util.List;

/**
 * One attachment.
 *
 * @param properties its properties (without the data, which travels as a blob)
 * @param blob       the attachment data: uploaded before through the blob endpoint, or (API 1.1) inline in
 *                   {@link BlobRef#data()}; null when none
 * @param missing    true when the source had no data for it (the data file was missing)
 * @param embedded   the embedded message of an ATTACH_EMBEDDED_MSG attachment, else null
 */
public record AttachmentItem(List<Property> properties, BlobRef blob, boolean missing, EmbeddedMessage embedded) {
}
