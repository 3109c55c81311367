package org.kgmigration.api;

/**
 * What happened to one folder.
 *
 * @param sourceKey the source folder
 * @param status    {@code created}, {@code mapped} (onto a well-known folder) or {@code present}
 * @param folderId  the target folder's id
 * @param path      the target folder's path, e.g. {@code /Inbox/Projects}
 */
public record FolderResult(String sourceKey, String status, long folderId, String path) {
}
