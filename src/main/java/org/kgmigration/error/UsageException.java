package org.kgmigration.error;

/** Bad command line or environment: one line to the user, exit code 2. */
public class UsageException extends KgmException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message, ExitCodes.USAGE);
    }
}
