package org.kgmigration.kopano;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.RecordSink;

/**
 * A test spool: creates the real spool files (so that their lifetime can be checked) but keeps the
 * records in memory; appending replays them into the output sink. Tracks how many spool files
 * existed at once.
 */
final class MemorySpool implements FolderSpool {
    private final RecordSink out;
    private final Map<Path, List<DumpRecord>> spools = new ConcurrentHashMap<>();
    final AtomicInteger live = new AtomicInteger();
    final AtomicInteger maxLive = new AtomicInteger();
    final List<Path> created = java.util.Collections.synchronizedList(new ArrayList<>());

    MemorySpool(RecordSink out) {
        this.out = out;
    }

    @Override
    public Writer create(Path file) throws IOException {
        Files.writeString(file, "spool");
        created.add(file);
        maxLive.accumulateAndGet(live.incrementAndGet(), Math::max);
        List<DumpRecord> records = new ArrayList<>();
        spools.put(file, records);
        return new Writer() {
            @Override
            public void write(DumpRecord record) {
                records.add(record);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public RecordSink output() {
        return out;
    }

    @Override
    public void append(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("spool file vanished: " + file);
        }
        for (DumpRecord r : spools.remove(file)) {
            out.write(r);
        }
        live.decrementAndGet();
    }
}
