package org.kgmigration.stream;

import java.io.IOException;

/** Where dump records come from, in stream order. */
public interface RecordSource {
    /** The next record, or null at the end of the stream. */
    DumpRecord next() throws IOException;
}
