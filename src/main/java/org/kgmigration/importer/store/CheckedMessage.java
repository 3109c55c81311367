package org.kgmigration.importer.store;

import java.util.List;
import org.kgmigration.importer.PropertyCodec.Stored;

/**
 * A message that passed the checks, ready to be written.
 *
 * @param sourceKey    upper-case hex source key (null for an embedded message)
 * @param folderKey    upper-case hex source key of its folder (null for an embedded message)
 * @param messageClass its class
 * @param associated   folder-associated
 * @param properties   its properties
 * @param recipients   its recipients' properties
 * @param attachments  its attachments
 */
public record CheckedMessage(String sourceKey, String folderKey, String messageClass, boolean associated,
        List<Stored> properties, List<List<Stored>> recipients, List<CheckedAttachment> attachments) {

    /**
     * An attachment that passed the checks.
     *
     * @param properties its properties
     * @param blobSha256 lower-case hex SHA-256 of its data, or null
     * @param blobSize   size of the data
     * @param blobData   the data when it came inline (checked against size and SHA-256), else null
     * @param missing    the source had no data
     * @param embedded   its embedded message, or null
     */
    public record CheckedAttachment(List<Stored> properties, String blobSha256, long blobSize, byte[] blobData,
            boolean missing, CheckedMessage embedded) {
    }

    /** Size in bytes: all property values and all attachment data, recursively. */
    public long size() {
        long n = sum(properties);
        for (List<Stored> r : recipients) {
            n += sum(r);
        }
        for (CheckedAttachment a : attachments) {
            n += sum(a.properties()) + a.blobSize() + (a.embedded() == null ? 0 : a.embedded().size());
        }
        return n;
    }

    /** Number of attachments, including those of embedded messages. */
    public int attachmentCount() {
        int n = attachments.size();
        for (CheckedAttachment a : attachments) {
            if (a.embedded() != null) {
                n += a.embedded().attachmentCount();
            }
        }
        return n;
    }

    /** Every attachment with data (recursively), for the existence check and inline storing. */
    public void blobs(java.util.function.Consumer<CheckedAttachment> sink) {
        for (CheckedAttachment a : attachments) {
            if (a.blobSha256() != null) {
                sink.accept(a);
            }
            if (a.embedded() != null) {
                a.embedded().blobs(sink);
            }
        }
    }

    private static long sum(List<Stored> props) {
        long n = 0;
        for (Stored s : props) {
            n += s.size();
        }
        return n;
    }
}
