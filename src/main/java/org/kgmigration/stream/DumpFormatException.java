package org.kgmigration.stream;

import org.kgmigration.error.ExitCodes;
import org.kgmigration.error.KgmException;

/**
 * A dump stream that is corrupt, truncated, of an unsupported version or out of order. The message
 * is one line that names the byte offset in the (uncompressed) stream and what is wrong, e.g.
 * {@code corrupt record at byte 12345: checksum mismatch}.
 */
public class DumpFormatException extends KgmException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    /**
     * @param message the complete one-line message (it names the offset)
     * @param offset  byte offset in the uncompressed stream, or -1 when not known
     */
    public DumpFormatException(String message, long offset) {
        super(message, ExitCodes.FAILURE);
        this.offset = offset;
    }

    public DumpFormatException(String message, long offset, Throwable cause) {
        super(message, cause);
        this.offset = offset;
    }

    /** Byte offset in the uncompressed stream where the problem was found, or -1. */
    public long offset() {
        return offset;
    }
}
