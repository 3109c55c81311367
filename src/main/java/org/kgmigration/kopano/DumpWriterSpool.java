package org.kgmigration.kopano;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.DumpWriter;

/** Folder spools in the stream's own encoding (docs/dump-format.md §12), appended by the main writer. */
public final class DumpWriterSpool implements FolderSpool {
    private final DumpWriter out;

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
            }
        };
    }

    @Override
    public void append(Path file) throws IOException {
        out.appendSpool(file);
    }
}
