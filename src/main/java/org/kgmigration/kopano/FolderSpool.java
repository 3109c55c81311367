package org.kgmigration.kopano;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.kgmigration.stream.RecordSink;

/**
 * How {@code --concurrency} keeps the output order: every folder is written by its worker into a
 * spool file (the stream's record encoding without a header) and the finished spools are appended
 * to the output in folder order. Implemented by the stream codec.
 */
public interface FolderSpool {
    /** A sink that writes records to {@code file}; closing it finishes the file. */
    Writer create(Path file) throws IOException;

    /** Appends a finished spool file to the output. */
    void append(Path file) throws IOException;

    /** A spool file being written. */
    interface Writer extends RecordSink, Closeable {
    }
}
