package org.kgmigration.stream;

import java.io.IOException;

/** Where dump records go: the stream writer, a per-folder spool, or a test's list. */
public interface RecordSink {
    void write(DumpRecord record) throws IOException;
}
