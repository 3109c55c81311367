package org.kgmigration.api;

import java.util.List;

/** Request of the folders endpoint: parents before their children. */
public record FolderBatch(List<FolderItem> folders) {
}
