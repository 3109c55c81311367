package org.kgmigration.kopano;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.kgmigration.stream.RecordSink;

/**
 * How {@code --concurrency} keeps the output order: the folder next in line is written into the
 * output, every folder after it by its worker into a spool file (the stream's record encoding without
 * a header), which is appended to the output when the folder is next in line. Implemented by the
 * stream codec.
 */
public interface FolderSpool {
    /** A sink that writes records to {@code file}; closing it finishes the file. */
    Writer create(Path file) throws IOException;

    /** Appends a finished spool file to the output. */
    void append(Path file) throws IOException;

    /** The output itself, for the folder next in line (written by one thread at a time). */
    RecordSink output();

    /** A spool file being written. */
    interface Writer extends RecordSink, Closeable {
    }
}
