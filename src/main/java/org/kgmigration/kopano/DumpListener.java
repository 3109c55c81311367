package org.kgmigration.kopano;

import org.kgmigration.stream.DumpRecord;

/** Progress events of a dump (called from several threads with --concurrency). */
public interface DumpListener {
    /** What the run will read, from the census of the selected stores. */
    default void planned(long stores, long folders, long messages, long bytes) {
    }

    default void storeStarted(StoreInfo store, StoreStats stats) {
    }

    /** A top-level message was written; {@code size} is its PR_MESSAGE_SIZE. */
    default void messageDone(long size) {
    }

    default void folderDone(FolderNode folder) {
    }

    default void storeDone(StoreInfo store, DumpRecord.Totals totals) {
    }

    DumpListener NONE = new DumpListener() {
    };
}
