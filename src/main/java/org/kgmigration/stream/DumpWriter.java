package org.kgmigration.stream;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.kgmigration.stream.DumpRecord.AttachmentEnd;

/**
 * Writes a dump stream (docs/dump-format.md): the signature before the {@link DumpRecord.Header},
 * then one self-contained, checksummed frame per record, optionally all gzip-compressed.
 *
 * <p>A writer that never gets a Header writes bare records: that is a spool, which
 * {@link #appendSpool(Path)} of another writer copies into a stream byte for byte. The writer
 * checks the value types of properties (see {@link PropType}) but not the order of records; that is
 * {@link DumpValidator}'s job on the reading side.
 *
 * <p>Not thread-safe.
 */
public final class DumpWriter implements RecordSink, Closeable {
    /** Payloads up to this size keep their encoding buffer for the next record. */
    private static final int KEEP_BUFFER = 4 << 20;

    private final CountingOutputStream counted;
    private final OutputStream out;
    private Buffer buf = new Buffer();
    private byte[] chunk;
    private long records;
    private long bytes;
    private boolean headerWritten;
    private boolean trailerWritten;
    private boolean closed;

    /**
     * @param out      where the stream goes; closed by {@link #close()}
     * @param compress gzip the whole stream (docs/dump-format.md, "Compression")
     * @throws UncheckedIOException writing the gzip header failed
     */
    public DumpWriter(OutputStream out, boolean compress) {
        this.counted = new CountingOutputStream(out);
        if (compress) {
            try {
                this.out = new GZIPOutputStream(new BufferedOutputStream(counted, 1 << 16), 1 << 16) {
                    {
                        def.setLevel(Deflater.BEST_SPEED);
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            this.out = new BufferedOutputStream(counted, 1 << 16);
        }
    }

    /**
     * Writes one record. A {@link DumpRecord.Header} must come first and is preceded by the stream
     * signature; nothing may follow the {@link DumpRecord.Trailer}.
     *
     * @throws IllegalArgumentException a property value of the wrong Java type, a Data chunk larger
     *                                  than {@link DumpFormat#MAX_CHUNK}, a record larger than
     *                                  {@link DumpFormat#MAX_RECORD}
     * @throws IllegalStateException    Header not first, anything after the Trailer, writer closed
     */
    @Override
    public void write(DumpRecord record) throws IOException {
        checkOpen();
        if (record instanceof DumpRecord.Header h) {
            if (records > 0 || headerWritten) {
                throw new IllegalStateException("the Header must be the first record");
            }
            if (h.formatVersion() != DumpFormat.VERSION) {
                throw new IllegalArgumentException("this writer writes format version " + DumpFormat.VERSION
                        + ", not " + h.formatVersion());
            }
            writeSignature();
            headerWritten = true;
        }
        if (record instanceof DumpRecord.Data d) {
            writeChunk(d.bytes(), d.bytes().length);
            return;
        }
        PayloadCodec.encode(record, buf);
        if (buf.size() > DumpFormat.MAX_RECORD) {
            int size = buf.size();
            buf = new Buffer();
            throw new IllegalArgumentException(DumpFormat.typeName(record) + " record of " + size
                    + " bytes exceeds the limit of " + DumpFormat.MAX_RECORD + " bytes");
        }
        bytes += Frames.write(out, DumpFormat.typeOf(record), buf.array(), buf.size());
        if (buf.size() > KEEP_BUFFER) {
            buf = new Buffer();
        }
        records++;
        if (record instanceof DumpRecord.Trailer) {
            trailerWritten = true;
        }
    }

    /** Writes a Data record straight from {@code bytes} (no copy); {@code bytes} may be reused afterwards. */
    @Override
    public void data(byte[] bytes, int length) throws IOException {
        checkOpen();
        writeChunk(bytes, length);
    }

    private void writeSignature() throws IOException {
        byte[] prefix = DumpFormat.signaturePrefix();
        out.write(prefix);
        out.write(DumpFormat.VERSION); // VERSION < 24: a one-byte CBOR unsigned integer
        bytes += prefix.length + 1;
    }

    private void writeChunk(byte[] data, int n) throws IOException {
        if (n > DumpFormat.MAX_CHUNK) {
            throw new IllegalArgumentException("a Data chunk holds at most " + DumpFormat.MAX_CHUNK + " bytes, not " + n);
        }
        bytes += Frames.writeData(out, data, n);
        records++;
    }

    /**
     * Copies {@code data} into Data records of at most {@link DumpFormat#MAX_CHUNK} bytes each
     * (all full except the last), computing size and SHA-256 on the way. Does not write the
     * AttachmentEnd: the caller writes the returned one, or, when this method throws
     * {@link DataReadException}, an {@code AttachmentEnd(missing = true)} (readers then discard the
     * Data already written, docs/dump-format.md "Attachments").
     *
     * @return {@code AttachmentEnd(size, sha256 or null when size is 0, false, null)}
     * @throws DataReadException reading {@code data} failed (the output is still usable)
     * @throws IOException       writing failed
     */
    public AttachmentEnd writeData(InputStream data) throws IOException {
        checkOpen();
        if (chunk == null) {
            chunk = new byte[DumpFormat.MAX_CHUNK];
        }
        MessageDigest sha = Sha256.digest();
        long size = 0;
        while (true) {
            int n;
            try {
                n = data.readNBytes(chunk, 0, chunk.length);
            } catch (IOException | RuntimeException e) {
                throw new DataReadException("reading attachment data failed after " + size + " bytes: " + e.getMessage(), e);
            }
            if (n == 0) {
                break;
            }
            sha.update(chunk, 0, n);
            size += n;
            writeChunk(chunk, n);
            if (n < chunk.length) {
                break;
            }
        }
        return new AttachmentEnd(size, size == 0 ? null : HexFormat.of().formatHex(sha.digest()), false, null);
    }

    /**
     * Appends the records of a spool file (written by another DumpWriter with {@code compress =
     * false} and without a Header) byte for byte, checking each record's frame and checksum on the
     * way, and counts them in {@link #recordsWritten()}.
     *
     * @throws DumpFormatException the spool is corrupt, truncated, or holds a Header or Trailer
     */
    public void appendSpool(Path spoolFile) throws IOException {
        checkOpen();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(spoolFile), 1 << 16)) {
            Frames.Reader r = new Frames.Reader(in, 0, o -> "byte " + o, "spool file " + spoolFile + ": ");
            Frames.Frame f;
            while ((f = r.read()) != null) {
                if (f.type() == DumpFormat.T_HEADER || f.type() == DumpFormat.T_TRAILER) {
                    throw new DumpFormatException("spool file " + spoolFile + ": record at byte " + f.offset()
                            + " is a " + DumpFormat.typeName(f.type()) + ", which a spool must not contain", f.offset());
                }
                f.writeTo(out);
                bytes += f.length();
                records++;
            }
        }
    }

    /**
     * Appends a spool file that a {@code DumpWriter} of this process has just written and closed,
     * as raw bytes without parsing it again ({@link #appendSpool(Path)} checks every frame): kgdump's
     * own folder spools, where the frames were made moments ago and the reader checks every CRC
     * anyway.
     *
     * @param spoolRecords the spool writer's {@link #recordsWritten()}
     */
    public void appendSpool(Path spoolFile, long spoolRecords) throws IOException {
        checkOpen();
        long n = 0;
        byte[] b = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(spoolFile)) {
            int r;
            while ((r = in.read(b)) > 0) {
                out.write(b, 0, r);
                n += r;
            }
        }
        bytes += n;
        records += spoolRecords;
    }

    /** Records written so far (Header, Data and appended spool records included). */
    public long recordsWritten() {
        return records;
    }

    /** Bytes of the uncompressed stream written so far (signature and records). */
    public long bytesWritten() {
        return bytes;
    }

    /** Bytes that reached the output stream so far (after compression and buffering). */
    public long outputBytes() {
        return counted.count;
    }

    /** Pushes buffered bytes (and, compressed, what the compressor can emit) to the output. */
    public void flush() throws IOException {
        if (!closed) {
            out.flush();
        }
    }

    /** True once a Trailer has been written. */
    public boolean complete() {
        return trailerWritten;
    }

    /** Finishes the compression, flushes and closes the output stream. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the dump writer is closed");
        }
        if (trailerWritten) {
            throw new IllegalStateException("nothing may follow the Trailer");
        }
    }

    /** Reading the attachment data given to {@link #writeData(InputStream)} failed. */
    public static final class DataReadException extends IOException {
        private static final long serialVersionUID = 1L;

        public DataReadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A ByteArrayOutputStream whose array can be written without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(8192);
        }

        byte[] array() {
            return buf;
        }
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
