package org.kgmigration.stream;

import java.util.List;
import java.util.Map;

/**
 * The records of a dump stream, in the order a writer emits them:
 *
 * <pre>
 * Header
 * ( Store
 *     ( Folder                                  -- parents before children
 *         ( Message (Attachment Data* [Message ... MessageEnd] AttachmentEnd)* MessageEnd )*
 *       FolderEnd )*
 *   StoreEnd )*
 * Trailer
 * </pre>
 *
 * An embedded message is a {@link Message} (with {@code embedded = true}) between the
 * {@link Attachment} that holds it and its {@link AttachmentEnd}; it nests to any depth. Attachment
 * bytes travel in {@link Data} chunks between an Attachment and its AttachmentEnd. Messages,
 * folders and attachments belong to the nearest enclosing Store / Folder / Message.
 * The exact byte encoding is specified in docs/dump-format.md.
 */
public sealed interface DumpRecord {

    /** First record: what wrote the dump, from where, and what was selected. */
    record Header(int formatVersion, String tool, String toolVersion, String sourceServerGuid,
                  int schemaRevision, String attachmentStorage, Map<String, Object> selection,
                  long startedMillis, Map<String, Object> options) implements DumpRecord {
    }

    /**
     * A store and its store-level data.
     *
     * @param guid           store GUID, 32 lowercase hex digits
     * @param type           {@code private}, {@code public}, {@code archive} or {@code orphan}
     * @param owner          everything the database knows about the owner
     * @param props          the store object's properties (out-of-office, webapp settings/signatures,
     *                       special-folder entry ids ...)
     * @param acl            permissions on the store object itself
     * @param receiveFolders the receive-folder table (message class → folder id)
     * @param specialFolders role (inbox, sent, ...) → folder id, as derived from Kopano's properties
     */
    record Store(String guid, String type, Owner owner, List<Prop> props, List<Acl> acl,
                 List<ReceiveFolder> receiveFolders, Map<String, String> specialFolders) implements DumpRecord {
    }

    /**
     * Owner identity of a store.
     *
     * @param userId         {@code users.id}, null for an unhooked store
     * @param loginName      login name from the user plugin (db plugin), may lack a domain
     * @param email          primary SMTP address, if known
     * @param fullName       display name, if known
     * @param externId       the user plugin's object id as lowercase hex, if known
     * @param objectClass    {@code users.objectclass}, if known
     * @param active         true for active users, false for non-active (shared) mailboxes, null if unknown
     * @param lastOwnerName  {@code stores.user_name}: the login name when the store was last attached
     * @param companyId      {@code stores.company}, 0 when not hosted
     */
    record Owner(Integer userId, String loginName, String email, String fullName, String externId,
                 Integer objectClass, Boolean active, String lastOwnerName, Integer companyId) {
    }

    /**
     * One permission row.
     *
     * @param userId    {@code acl.id} ({@code users.id}; 1 = everyone)
     * @param principal login / group name or e-mail of the grantee where the database knows it,
     *                  {@code everyone} for id 1, {@code system} for id 2, else null
     * @param type      2 = grant, 1 = deny (stored but never evaluated by Kopano)
     * @param rights    MAPI folder-rights bit mask
     */
    record Acl(int userId, String principal, int type, long rights) {
    }

    /** A row of the receive-folder table: message class prefix ('' = default) → folder id. */
    record ReceiveFolder(String messageClass, String folderId) {
    }

    /**
     * A folder.
     *
     * @param id        stable identity: PR_SOURCE_KEY as lowercase hex (see docs/dump-format.md for
     *                  the fallback when a folder has none)
     * @param parentId  the parent folder's id; null for the store's root folder
     * @param role      {@code root}, {@code ipm_subtree}, {@code inbox}, {@code outbox}, {@code sent},
     *                  {@code deleted}, {@code drafts}, {@code calendar}, {@code contacts}, {@code tasks},
     *                  {@code notes}, {@code journal}, {@code junk}, ... or null for a user folder
     * @param deleted   soft-deleted (itself or an ancestor); only present with --include-soft-deleted
     * @param props     all properties (PR_ENTRYID, PR_SOURCE_KEY included)
     * @param acl       permissions on this folder
     */
    record Folder(String id, String parentId, String role, boolean deleted, List<Prop> props, List<Acl> acl)
            implements DumpRecord {
    }

    /**
     * A message, in a folder or (embedded = true) inside an attachment. Followed by its
     * attachments and a {@link MessageEnd}.
     *
     * @param id         stable identity: PR_SOURCE_KEY as lowercase hex for messages in folders;
     *                   null for embedded messages (identified by their position)
     * @param associated folder-associated (FAI) item
     * @param deleted    soft-deleted (itself or an ancestor); only present with --include-soft-deleted
     * @param embedded   true inside an attachment
     * @param props      all properties
     * @param recipients one property list per recipient
     */
    record Message(String id, boolean associated, boolean deleted, boolean embedded, List<Prop> props,
                   List<List<Prop>> recipients) implements DumpRecord {
    }

    /** End of a message's attachments. */
    record MessageEnd() implements DumpRecord {
    }

    /**
     * An attachment (its properties, without the data). Followed by its {@link Data} chunks or, for
     * an embedded message, by that {@link Message}, and then by an {@link AttachmentEnd}.
     */
    record Attachment(List<Prop> props) implements DumpRecord {
    }

    /** A chunk of attachment data (at most {@link DumpFormat#MAX_CHUNK} bytes). */
    record Data(byte[] bytes) implements DumpRecord {
    }

    /**
     * End of an attachment.
     *
     * @param size    number of data bytes that were sent in the Data chunks
     * @param sha256  lowercase hex SHA-256 of those bytes; null when there is no data
     * @param missing the attachment should have data but it could not be read
     * @param problem what was wrong when {@code missing} (e.g. the paths that were tried)
     */
    record AttachmentEnd(long size, String sha256, boolean missing, String problem) implements DumpRecord {
    }

    /** End of a folder, with what it contained (direct contents only). */
    record FolderEnd(String id, long messages, long associated, long attachments, long bytes) implements DumpRecord {
    }

    /** End of a store, with its totals and skips by reason. */
    record StoreEnd(String guid, Totals totals) implements DumpRecord {
    }

    /** Last record: totals per store and for the whole dump. A stream without it is truncated. */
    record Trailer(Map<String, Totals> stores, Totals total, long records, long finishedMillis) implements DumpRecord {
    }

    /**
     * Counts of what was written and skipped.
     *
     * @param folders     folders written
     * @param messages    normal messages written (top level)
     * @param associated  associated (FAI) messages written
     * @param attachments attachments written (including those of embedded messages)
     * @param attachmentBytes attachment data bytes written
     * @param missingAttachments attachments whose data could not be read
     * @param skipped     skipped items by reason (e.g. {@code soft-deleted message}, {@code search folder})
     */
    record Totals(long folders, long messages, long associated, long attachments, long attachmentBytes,
                  long missingAttachments, Map<String, Long> skipped) {
    }
}
