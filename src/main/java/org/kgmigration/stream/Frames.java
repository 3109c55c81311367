package org.kgmigration.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * The record frame (docs/dump-format.md, "Record frame"): a CBOR array of three items — the record
 * type, the payload as an encoded-CBOR byte string (tag 24), and a CRC32C written as a 4-byte
 * unsigned integer — where the CRC covers every byte of the frame before it. A frame depends on
 * nothing before or after it, so frames can be copied from one stream into another unchanged.
 */
final class Frames {
    static final int ARRAY3 = 0x83;
    static final int TAG = 0xD8;
    static final int TAG_ENCODED_CBOR = 0x18;
    static final int UINT32 = 0x1A;
    /** Bytes of the frame after the payload: 0x1A and the CRC. */
    static final int CRC_LENGTH = 5;

    private Frames() {
    }

    /** Writes the CBOR head of a byte string of {@code len} bytes into {@code b} at {@code at}; returns its length. */
    static int bstrHead(byte[] b, int at, long len) {
        if (len < 24) {
            b[at] = (byte) (0x40 + len);
            return 1;
        } else if (len < 0x100) {
            b[at] = 0x58;
            b[at + 1] = (byte) len;
            return 2;
        } else if (len < 0x10000) {
            b[at] = 0x59;
            b[at + 1] = (byte) (len >>> 8);
            b[at + 2] = (byte) len;
            return 3;
        } else {
            b[at] = 0x5A;
            b[at + 1] = (byte) (len >>> 24);
            b[at + 2] = (byte) (len >>> 16);
            b[at + 3] = (byte) (len >>> 8);
            b[at + 4] = (byte) len;
            return 5;
        }
    }

    static int bstrHeadLength(long len) {
        return len < 24 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 5;
    }

    /** Frame head: 0x83, type, 0xD8 0x18, byte-string head of {@code payloadLength}. Returns its length. */
    private static int frameHead(byte[] b, int type, long payloadLength) {
        b[0] = (byte) ARRAY3;
        b[1] = (byte) type;
        b[2] = (byte) TAG;
        b[3] = (byte) TAG_ENCODED_CBOR;
        return 4 + bstrHead(b, 4, payloadLength);
    }

    /** Writes one frame with an already encoded payload; returns the number of bytes written. */
    static long write(OutputStream out, int type, byte[] payload, int len) throws IOException {
        byte[] head = new byte[16];
        int hl = frameHead(head, type, len);
        CRC32C crc = new CRC32C();
        crc.update(head, 0, hl);
        crc.update(payload, 0, len);
        out.write(head, 0, hl);
        out.write(payload, 0, len);
        writeCrc(out, (int) crc.getValue());
        return hl + (long) len + CRC_LENGTH;
    }

    /** Writes a Data frame whose payload is the byte string {@code data[0..n)}; returns the bytes written. */
    static long writeData(OutputStream out, byte[] data, int n) throws IOException {
        byte[] head = new byte[16];
        int inner = bstrHeadLength(n);
        int hl = frameHead(head, DumpFormat.T_DATA, (long) inner + n);
        hl += bstrHead(head, hl, n);
        CRC32C crc = new CRC32C();
        crc.update(head, 0, hl);
        crc.update(data, 0, n);
        out.write(head, 0, hl);
        out.write(data, 0, n);
        writeCrc(out, (int) crc.getValue());
        return hl + (long) n + CRC_LENGTH;
    }

    private static void writeCrc(OutputStream out, int crc) throws IOException {
        out.write(new byte[] {(byte) UINT32, (byte) (crc >>> 24), (byte) (crc >>> 16), (byte) (crc >>> 8), (byte) crc});
    }

    /** Describes a position for messages; the reader of a compressed stream adds the compressed position. */
    interface Locator {
        String at(long offset);
    }

    /**
     * One frame as read: its type, where it starts, the raw head bytes (for a Data frame including
     * the inner byte-string head), the body (payload, or for Data the chunk) and the CRC.
     */
    record Frame(int type, long offset, byte[] head, byte[] body, int crc) {
        long length() {
            return head.length + (long) body.length + CRC_LENGTH;
        }

        /** Writes the frame's bytes exactly as they were read. */
        void writeTo(OutputStream out) throws IOException {
            out.write(head);
            out.write(body);
            writeCrc(out, crc);
        }
    }

    /** Reads frames one at a time from an uncompressed stream, checking framing, limits and CRC. */
    static final class Reader {
        private final InputStream in;
        private final Locator locator;
        private final String context;
        private long offset;

        /**
         * @param in      the uncompressed stream, positioned at a frame boundary
         * @param offset  the stream offset of that position
         * @param locator how to describe an offset in messages
         * @param context prefix for messages (e.g. {@code "spool file x: "}), or ""
         */
        Reader(InputStream in, long offset, Locator locator, String context) {
            this.in = in;
            this.offset = offset;
            this.locator = locator;
            this.context = context;
        }

        long offset() {
            return offset;
        }

        /** The next frame, or null at the end of the input exactly at a frame boundary. */
        Frame read() throws IOException {
            long start = offset;
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            offset++;
            byte[] head = new byte[16];
            int hl = 0;
            head[hl++] = (byte) b0;
            if (b0 != ARRAY3) {
                throw corrupt(start, String.format("no record starts here (byte 0x%02x, expected 0x83)", b0));
            }
            int type = next(start);
            head[hl++] = (byte) type;
            if (type < DumpFormat.T_HEADER || type > DumpFormat.T_TRAILER) {
                throw corrupt(start, String.format("unknown record type (byte 0x%02x)", type));
            }
            int t1 = next(start);
            head[hl++] = (byte) t1;
            int t2 = next(start);
            head[hl++] = (byte) t2;
            if (t1 != TAG || t2 != TAG_ENCODED_CBOR) {
                throw corrupt(start, String.format("bad frame (bytes 0x%02x 0x%02x, expected 0xd8 0x18)", t1, t2));
            }
            long len = readBstrHead(start, head, hl);
            hl += bstrHeadBytes;
            long limit = type == DumpFormat.T_DATA ? DumpFormat.MAX_CHUNK + 5 : DumpFormat.MAX_RECORD;
            if (len > limit) {
                throw corrupt(start, "payload length " + len + " exceeds the limit of " + limit
                        + " bytes for a " + DumpFormat.typeName(type) + " record");
            }
            byte[] body;
            if (type == DumpFormat.T_DATA) {
                long n = readBstrHead(start, head, hl);
                int inner = bstrHeadBytes;
                hl += inner;
                if (inner + n != len) {
                    throw corrupt(start, "Data record: chunk length " + n + " does not fit the payload length " + len);
                }
                body = readFully(start, (int) n);
            } else {
                body = readFully(start, (int) len);
            }
            int c0 = next(start);
            int crc = 0;
            for (int i = 0; i < 4; i++) {
                crc = (crc << 8) | next(start);
            }
            byte[] exactHead = java.util.Arrays.copyOf(head, hl);
            CRC32C c = new CRC32C();
            c.update(exactHead);
            c.update(body);
            if (c0 != UINT32) {
                throw corrupt(start, String.format("bad checksum field (byte 0x%02x, expected 0x1a)", c0));
            }
            if ((int) c.getValue() != crc) {
                throw corrupt(start, String.format("checksum mismatch (stored %08x, computed %08x)", crc, (int) c.getValue()));
            }
            return new Frame(type, start, exactHead, body, crc);
        }

        private int bstrHeadBytes;

        private long readBstrHead(long start, byte[] head, int at) throws IOException {
            int b = next(start);
            head[at] = (byte) b;
            if (b < 0x40 || b > 0x5B) {
                throw corrupt(start, String.format("bad frame (byte 0x%02x where a byte-string length belongs)", b));
            }
            int extra = b < 0x58 ? 0 : 1 << (b - 0x58);
            long len = b < 0x58 ? b - 0x40 : 0;
            for (int i = 0; i < extra; i++) {
                int x = next(start);
                head[at + 1 + i] = (byte) x;
                len = (len << 8) | x;
            }
            if (len < 0) {
                throw corrupt(start, "byte-string length out of range");
            }
            bstrHeadBytes = 1 + extra;
            return len;
        }

        private int next(long start) throws IOException {
            int b = in.read();
            if (b < 0) {
                throw truncated(start);
            }
            offset++;
            return b;
        }

        private byte[] readFully(long start, int n) throws IOException {
            byte[] b;
            if (n <= DumpFormat.MAX_CHUNK + 16) {
                b = new byte[n];
                int got = in.readNBytes(b, 0, n);
                offset += got;
                if (got < n) {
                    throw truncated(start);
                }
            } else {
                // a large length may be a corrupt one: allocate only as the bytes actually arrive
                b = in.readNBytes(n);
                offset += b.length;
                if (b.length < n) {
                    throw truncated(start);
                }
            }
            return b;
        }

        DumpFormatException corrupt(long start, String what) {
            return new DumpFormatException(context + "corrupt record at " + locator.at(start) + ": " + what, start);
        }

        DumpFormatException truncated(long start) {
            return new DumpFormatException(context + "truncated at " + locator.at(offset)
                    + ": the stream ends inside the record that starts at byte " + start, offset);
        }
    }
}
