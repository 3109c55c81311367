package org.kgmigration.kopano;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.DumpWriter;
import org.kgmigration.stream.RecordSink;

/**
 * Folder spools in the stream's own encoding (docs/dump-format.md §12), appended by the main writer
 * as raw bytes (each spool's record count is kept from its writer).
 */
public final class DumpWriterSpool implements FolderSpool {
    private final DumpWriter out;
    /** Records in each finished spool file. */
    private final Map<Path, Long> records = new ConcurrentHashMap<>();

    public DumpWriterSpool(DumpWriter out) {
        this.out = out;
    }

    @Override
    public Writer create(Path file) throws IOException {
        DumpWriter w = new DumpWriter(Files.newOutputStream(file), false);
        return new Writer() {
            @Override
            public void write(DumpRecord record) throws IOException {
                w.write(record);
            }

            @Override
            public void data(byte[] bytes, int length) throws IOException {
                w.data(bytes, length);
            }

            @Override
            public void close() throws IOException {
                w.close();
                records.put(file, w.recordsWritten());
            }
        };
    }

    @Override
    public RecordSink output() {
        return out;
    }

    @Override
    public void append(Path file) throws IOException {
        Long n = records.remove(file);
        if (n == null) {
            throw new IllegalStateException("spool file " + file + " was not finished");
        }
        out.appendSpool(file, n);
    }
}
