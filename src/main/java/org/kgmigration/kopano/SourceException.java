package org.kgmigration.kopano;

/**
 * A problem with the Kopano source that the administrator can act on (wrong password, not a Kopano
 * database, schema too old, attachment directory missing, unreadable attachment with --strict ...).
 * The message is one line meant for the user; the CLI prints it without a stack trace.
 */
public class SourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
