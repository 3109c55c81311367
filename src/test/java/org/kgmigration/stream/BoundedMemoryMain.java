package org.kgmigration.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.kgmigration.stream.DumpRecord.AttachmentEnd;
import org.kgmigration.stream.DumpRecord.Totals;

/**
 * Streams one attachment of {@code args[0]} MiB through DumpWriter → pipe → DumpReader →
 * DumpValidator in one JVM; run by {@link DumpBoundedMemoryTest} with a small -Xmx. Prints
 * {@code OK bytes=… maxChunk=… peakHeapMiB=… maxHeapMiB=…} and exits 0, or prints the error and
 * exits 1 (an OutOfMemoryError ends the JVM non-zero as well).
 */
public final class BoundedMemoryMain {
    private BoundedMemoryMain() {
    }

    /** Deterministic, mildly compressible bytes, generated on the fly. */
    static InputStream synthetic(long size) {
        return new InputStream() {
            private long pos;
            private long x = 0x9E3779B97F4A7C15L;

            @Override
            public int read() {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                for (int i = 0; i < n; i++) {
                    if (((pos + i) & 7) == 0) {
                        x ^= x << 13;
                        x ^= x >>> 7;
                        x ^= x << 17;
                    }
                    b[off + i] = (byte) ((x >>> (((pos + i) & 7) * 8)) & 0x3F);
                }
                pos += n;
                return n;
            }
        };
    }

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args[0]) << 20;
        boolean compress = Boolean.parseBoolean(args[1]);
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream pipe = new PipedOutputStream(in);
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (DumpWriter w = new DumpWriter(pipe, compress)) {
                DumpBuilder b = new DumpBuilder(w).start().store(DumpBuilder.STORE_A, "private", "big")
                        .folder("f", null, "root", "").message("m", false, "big one");
                b.put(new DumpRecord.Attachment(List.of(Prop.of(DumpBuilder.PR_ATTACH_FILENAME, "big.bin"))));
                AttachmentEnd end = w.writeData(synthetic(size));
                b.put(end).endMessage().put(new DumpRecord.FolderEnd("f", 1, 0, 1, size));
                Totals t = new Totals(1, 1, 0, 1, size, 0, Map.of());
                b.put(new DumpRecord.StoreEnd(DumpBuilder.STORE_A, t));
                b.put(new DumpRecord.Trailer(Map.of(DumpBuilder.STORE_A, t), t, w.recordsWritten(), 0));
            } catch (Throwable e) {
                writerFailure.set(e);
            }
        }, "writer");
        writer.start();
        long bytes = 0;
        int maxChunk = 0;
        try (DumpReader reader = new DumpReader(in)) {
            DumpValidator v = new DumpValidator(reader);
            DumpRecord r;
            while ((r = v.next()) != null) {
                if (r instanceof DumpRecord.Data d) {
                    bytes += d.bytes().length;
                    maxChunk = Math.max(maxChunk, d.bytes().length);
                }
            }
            if (!v.complete()) {
                throw new IOException("not complete");
            }
        } catch (RuntimeException | IOException e) {
            System.out.println("FAILED " + e + " (writer: " + writerFailure.get() + ")");
            System.exit(1);
        }
        writer.join();
        if (writerFailure.get() != null) {
            System.out.println("FAILED writer " + writerFailure.get());
            System.exit(1);
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("OK bytes=" + bytes + " maxChunk=" + maxChunk + " peakHeapMiB=" + (peak >> 20)
                + " maxHeapMiB=" + (Runtime.getRuntime().maxMemory() >> 20));
    }
}
