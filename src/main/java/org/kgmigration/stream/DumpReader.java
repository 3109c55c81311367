package org.kgmigration.stream;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.kgmigration.stream.DumpRecord.Header;

/**
 * Reads a dump stream record by record (docs/dump-format.md), with bounded memory: a Data record
 * is one chunk, and nothing is kept from one record to the next.
 *
 * <p>Detects gzip compression by its magic bytes, checks the signature and format version, the
 * frame and CRC32C of every record, that the first record is the Header, that the stream ends
 * right after the Trailer, and that it does not end before. Every problem is a
 * {@link DumpFormatException} whose one-line message names the byte offset in the uncompressed
 * stream (and, for a compressed stream, about where in the compressed input). The order of the
 * records in between is checked by {@link DumpValidator}.
 */
public final class DumpReader implements RecordSource, Closeable {
    private static final int BUFFER = 1 << 16;

    private final InputStream source;
    private InputStream data;
    private Frames.Reader frames;
    private CountingInputStream compressedCount;
    private Gunzip gunzip;
    private boolean started;
    private boolean finished;
    private int version;
    private Header header;
    private long records;
    private long recordOffset = -1;

    /** @param in the dump, compressed or not; closed by {@link #close()} */
    public DumpReader(InputStream in) {
        this.source = in;
    }

    /**
     * The next record, or null at the clean end of the stream after the Trailer.
     *
     * @throws DumpFormatException corruption, truncation, unsupported version, Header not first,
     *                             data after the Trailer, or an unreadable input (the message says
     *                             which, and where)
     */
    @Override
    public DumpRecord next() throws IOException {
        if (finished) {
            return null;
        }
        try {
            if (!started) {
                start();
            }
            Frames.Frame f = frames.read();
            if (f == null) {
                long at = frames.offset();
                throw new DumpFormatException("truncated at " + at(at) + ": the stream ends without a trailer, after "
                        + records + " complete record" + (records == 1 ? "" : "s"), at);
            }
            recordOffset = f.offset();
            DumpRecord r = decode(f);
            if (records == 0) {
                if (!(r instanceof Header h)) {
                    throw new DumpFormatException("record out of order at " + at(f.offset()) + ": the first record is a "
                            + DumpFormat.typeName(f.type()) + ", not the Header", f.offset());
                }
                if (h.formatVersion() != version) {
                    throw new DumpFormatException("corrupt record at " + at(f.offset()) + ": the Header says format version "
                            + h.formatVersion() + ", the signature " + version, f.offset());
                }
                header = h;
            }
            records++;
            if (r instanceof DumpRecord.Trailer) {
                long end = frames.offset();
                if (data.read() >= 0) {
                    throw new DumpFormatException("unexpected data after the trailer at " + at(end)
                            + " (two dumps concatenated, or a damaged file?)", end);
                }
                finished = true;
            }
            return r;
        } catch (ZipException e) {
            long at = offset();
            throw new DumpFormatException("corrupt compressed data at " + at(at) + ": " + e.getMessage(), at, e);
        } catch (EOFException e) {
            long at = offset();
            throw new DumpFormatException("truncated at " + at(at) + ": the compressed stream ends early", at, e);
        } catch (IOException e) {
            long at = offset();
            throw new DumpFormatException("cannot read the dump at " + at(at) + ": " + e.getMessage(), at, e);
        }
    }

    private DumpRecord decode(Frames.Frame f) {
        if (f.type() == DumpFormat.T_DATA) {
            return new DumpRecord.Data(f.body());
        }
        try {
            return PayloadCodec.decode(f.type(), f.body());
        } catch (PayloadCodec.BadPayload e) {
            throw new DumpFormatException("invalid record at " + at(f.offset()) + ": " + e.getMessage()
                    + " (its checksum is right: the writer was faulty)", f.offset());
        }
    }

    private void start() throws IOException {
        started = true;
        PushbackInputStream pb = new PushbackInputStream(source, 2);
        byte[] magic = pb.readNBytes(2);
        if (magic.length == 0) {
            throw new DumpFormatException("truncated at byte 0: the input is empty, not a dump stream", 0);
        }
        pb.unread(magic);
        if (magic.length == 1 && (magic[0] & 0xFF) == 0x1F) {
            throw new DumpFormatException("truncated at byte 0: the compressed stream ends after its first byte", 0);
        }
        if (magic.length == 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B) {
            compressedCount = new CountingInputStream(pb);
            gunzip = new Gunzip(compressedCount);
            data = new BufferedInputStream(gunzip, BUFFER);
        } else {
            data = new BufferedInputStream(pb, BUFFER);
        }
        byte[] prefix = DumpFormat.signaturePrefix();
        byte[] got = data.readNBytes(prefix.length);
        for (int i = 0; i < got.length; i++) {
            if (got[i] != prefix[i]) {
                throw new DumpFormatException("not a kgdump stream: the input starts with " + hex(got, 8)
                        + (gunzip != null ? " after decompression" : "") + ", not with the kgdump signature "
                        + hex(prefix, 8) + " (mismatch at byte " + i + ")", i);
            }
        }
        if (got.length < prefix.length) {
            throw new DumpFormatException("truncated at " + at(got.length) + ": the stream ends inside its signature", got.length);
        }
        long pos = prefix.length;
        int b = data.read();
        if (b < 0) {
            throw new DumpFormatException("truncated at " + at(pos) + ": the stream ends inside its signature", pos);
        }
        pos++;
        long v;
        if (b < 0x18) {
            v = b;
        } else if (b <= 0x1B) {
            int n = 1 << (b - 0x18);
            v = 0;
            for (int i = 0; i < n; i++) {
                int x = data.read();
                if (x < 0) {
                    throw new DumpFormatException("truncated at " + at(pos) + ": the stream ends inside its signature", pos);
                }
                pos++;
                v = (v << 8) | x;
            }
        } else {
            throw new DumpFormatException(String.format("not a kgdump stream: byte 0x%02x at byte %d is not a format version",
                    b, prefix.length), prefix.length);
        }
        if (v != DumpFormat.VERSION) {
            throw new DumpFormatException("unsupported dump format version " + Long.toUnsignedString(v) + " (at byte "
                    + prefix.length + "): this program reads version " + DumpFormat.VERSION
                    + (v > DumpFormat.VERSION ? "; use the kg-migration release that wrote the dump, or a newer one" : ""),
                    prefix.length);
        }
        version = (int) v;
        frames = new Frames.Reader(data, pos, this::at, "");
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n && i < b.length; i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
        }
        return s.toString();
    }

    /** "byte N", plus the approximate compressed position for a compressed stream. */
    private String at(long offset) {
        if (gunzip == null) {
            return "byte " + offset;
        }
        return "byte " + offset + " (compressed input near byte " + compressedOffset() + ")";
    }

    /** Bytes of the uncompressed stream consumed so far: where the next record starts. */
    public long offset() {
        return frames != null ? frames.offset() : 0;
    }

    /** Where the record last returned by {@link #next()} starts in the uncompressed stream, or -1. */
    public long recordOffset() {
        return recordOffset;
    }

    /** Records returned so far. */
    public long recordsRead() {
        return records;
    }

    /** True when the stream is gzip-compressed (known after the first {@link #next()}). */
    public boolean compressed() {
        return gunzip != null;
    }

    /**
     * For a compressed stream, the compressed bytes consumed so far (approximate: decompressed
     * data is read ahead in blocks); otherwise the same as {@link #offset()}.
     */
    public long compressedOffset() {
        if (gunzip == null) {
            return offset();
        }
        return compressedCount.count() - gunzip.remaining();
    }

    /** The Header, once read. */
    public Header header() {
        return header;
    }

    /** True once the Trailer was read and the stream ended right after it. */
    public boolean complete() {
        return finished;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    /** GZIPInputStream that tells how many compressed bytes it holds unread. */
    private static final class Gunzip extends GZIPInputStream {
        Gunzip(InputStream in) throws IOException {
            super(in, BUFFER);
        }

        long remaining() {
            try {
                return inf.getRemaining();
            } catch (RuntimeException e) {
                return 0;
            }
        }
    }
}
