package org.kgmigration.api;

import java.util.List;

/**
 * A source folder to create or map.
 *
 * @param sourceKey      the folder's source key (hex)
 * @param parent         the parent's source key, or null for a folder directly under the top of
 *                       the mailbox (IPM subtree)
 * @param role           one of {@link ImportApi#FOLDER_ROLES}, or null for an ordinary folder
 * @param displayName    PR_DISPLAY_NAME
 * @param containerClass PR_CONTAINER_CLASS, e.g. {@code IPF.Note}, or null
 * @param properties     every property of the folder
 */
public record FolderItem(String sourceKey, String parent, String role, String displayName, String containerClass,
        List<Property> properties) {
}
