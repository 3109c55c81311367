package org.kgmigration.stream;

import java.io.IOException;
import java.util.Arrays;

/** Where dump records go: the stream writer, a per-folder spool, or a test's list. */
public interface RecordSink {
    void write(DumpRecord record) throws IOException;

    /**
     * Writes a {@link DumpRecord.Data} record of the first {@code length} bytes of {@code bytes}.
     * The caller may reuse {@code bytes} as soon as this returns: sinks that keep records copy them
     * (the default), sinks that encode at once (the stream writer) write them without a copy.
     */
    default void data(byte[] bytes, int length) throws IOException {
        write(new DumpRecord.Data(Arrays.copyOf(bytes, length)));
    }
}
