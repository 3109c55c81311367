package org.kgmigration.stream;

/** Constants of the dump format (see docs/dump-format.md). */
public final class DumpFormat {
    /** Version of the format this code writes and reads. */
    public static final int VERSION = 1;
    /** Largest attachment data chunk in one {@link DumpRecord.Data} record. */
    public static final int MAX_CHUNK = 1 << 20;
    /** Largest payload of any other record (readers treat a larger length as corruption). */
    public static final int MAX_RECORD = 256 << 20;
    /** Text in the stream signature. */
    public static final String SIGNATURE_TEXT = "kgdump-stream";

    /** Record type codes (the first element of every record frame). */
    static final int T_HEADER = 1;
    static final int T_STORE = 2;
    static final int T_FOLDER = 3;
    static final int T_FOLDER_END = 4;
    static final int T_MESSAGE = 5;
    static final int T_MESSAGE_END = 6;
    static final int T_ATTACHMENT = 7;
    static final int T_DATA = 8;
    static final int T_ATTACHMENT_END = 9;
    static final int T_STORE_END = 10;
    static final int T_TRAILER = 11;

    private DumpFormat() {
    }

    /**
     * The fixed start of the signature item: tag 55799 (self-described CBOR), an array of two, the
     * text {@value #SIGNATURE_TEXT}; the format version (a CBOR unsigned integer) follows.
     */
    static byte[] signaturePrefix() {
        byte[] text = SIGNATURE_TEXT.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] b = new byte[5 + text.length];
        b[0] = (byte) 0xD9;
        b[1] = (byte) 0xD9;
        b[2] = (byte) 0xF7;
        b[3] = (byte) 0x82;
        b[4] = (byte) (0x60 + text.length);
        System.arraycopy(text, 0, b, 5, text.length);
        return b;
    }

    /** The record type's name as used in messages and in docs/dump-format.md. */
    static String typeName(int type) {
        return switch (type) {
            case T_HEADER -> "Header";
            case T_STORE -> "Store";
            case T_FOLDER -> "Folder";
            case T_FOLDER_END -> "FolderEnd";
            case T_MESSAGE -> "Message";
            case T_MESSAGE_END -> "MessageEnd";
            case T_ATTACHMENT -> "Attachment";
            case T_DATA -> "Data";
            case T_ATTACHMENT_END -> "AttachmentEnd";
            case T_STORE_END -> "StoreEnd";
            case T_TRAILER -> "Trailer";
            default -> "type " + type;
        };
    }

    static int typeOf(DumpRecord r) {
        if (r instanceof DumpRecord.Header) {
            return T_HEADER;
        } else if (r instanceof DumpRecord.Store) {
            return T_STORE;
        } else if (r instanceof DumpRecord.Folder) {
            return T_FOLDER;
        } else if (r instanceof DumpRecord.FolderEnd) {
            return T_FOLDER_END;
        } else if (r instanceof DumpRecord.Message) {
            return T_MESSAGE;
        } else if (r instanceof DumpRecord.MessageEnd) {
            return T_MESSAGE_END;
        } else if (r instanceof DumpRecord.Attachment) {
            return T_ATTACHMENT;
        } else if (r instanceof DumpRecord.Data) {
            return T_DATA;
        } else if (r instanceof DumpRecord.AttachmentEnd) {
            return T_ATTACHMENT_END;
        } else if (r instanceof DumpRecord.StoreEnd) {
            return T_STORE_END;
        } else if (r instanceof DumpRecord.Trailer) {
            return T_TRAILER;
        }
        throw new IllegalArgumentException("not a dump record: " + r);
    }

    static String typeName(DumpRecord r) {
        return typeName(typeOf(r));
    }
}
