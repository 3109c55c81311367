package org.kgmigration.error;

/**
 * An error the user can act on. Its message is printed as one line (no stack trace) and the
 * program exits with {@link #exitCode()}.
 */
public class KgmException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public KgmException(String message) {
        this(message, ExitCodes.FAILURE);
    }

    public KgmException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public KgmException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = ExitCodes.FAILURE;
    }

    public int exitCode() {
        return exitCode;
    }
}
