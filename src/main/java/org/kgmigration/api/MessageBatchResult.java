package org.kgmigration.api;

import java.util.List;

/** Response to a message batch: counts per status and one result per item, in request order. */
public record MessageBatchResult(int imported, int present, int skipped, int refused, List<ItemResult> items) {
}
