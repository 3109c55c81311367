package org.kgmigration.api;

import java.util.List;

/** Response of the folders endpoint, in request order. */
public record FolderBatchResult(List<FolderResult> folders) {
}
