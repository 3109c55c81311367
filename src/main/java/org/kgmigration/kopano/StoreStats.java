package org.kgmigration.kopano;

/**
 * Counts of one store as the dump sees them (soft-deleted state propagated down the tree).
 *
 * @param folders             folders that are dumped (not soft-deleted, not search folders)
 * @param softDeletedFolders  soft-deleted folders, including everything below a soft-deleted folder
 * @param searchFolders       search folders (never dumped)
 * @param messages            normal messages in the dumped folders, not soft-deleted
 * @param associated          associated (FAI) messages in the dumped folders, not soft-deleted
 * @param bytes               sum of PR_MESSAGE_SIZE of those messages (Kopano's sizes include the
 *                            attachment data and embedded messages)
 * @param softDeletedMessages soft-deleted messages and all messages inside soft-deleted folders
 * @param softDeletedBytes    their PR_MESSAGE_SIZE sum
 */
public record StoreStats(long folders, long softDeletedFolders, long searchFolders, long messages, long associated,
                         long bytes, long softDeletedMessages, long softDeletedBytes) {

    static StoreStats of(FolderTree tree) {
        long folders = 0;
        long delFolders = 0;
        long search = 0;
        long msgs = 0;
        long assoc = 0;
        long bytes = 0;
        long delMsgs = 0;
        long delBytes = 0;
        for (FolderNode n : tree.all()) {
            if (n.inSearch()) {
                search++;
                continue;
            }
            long[] all = n.count(0, 0);
            if (n.isDeleted()) {
                delFolders++;
                delMsgs += all[0];
                delBytes += all[1];
                continue;
            }
            folders++;
            long[] normal = n.count(FolderNode.FLAG_DELETED | FolderNode.FLAG_ASSOCIATED, 0);
            long[] fai = n.count(FolderNode.FLAG_DELETED | FolderNode.FLAG_ASSOCIATED, FolderNode.FLAG_ASSOCIATED);
            long[] del = n.count(FolderNode.FLAG_DELETED, FolderNode.FLAG_DELETED);
            msgs += normal[0];
            assoc += fai[0];
            bytes += normal[1] + fai[1];
            delMsgs += del[0];
            delBytes += del[1];
        }
        return new StoreStats(folders, delFolders, search, msgs, assoc, bytes, delMsgs, delBytes);
    }
}
