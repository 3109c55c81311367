package org.kgmigration.stream;

/** Constants of the dump format (see docs/dump-format.md). */
public final class DumpFormat {
    /** Version of the format this code writes and reads. */
    public static final int VERSION = 1;
    /** Largest attachment data chunk in one {@link DumpRecord.Data} record. */
    public static final int MAX_CHUNK = 1 << 20;

    private DumpFormat() {
    }
}
