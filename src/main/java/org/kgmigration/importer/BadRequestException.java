package org.kgmigration.importer;

/** A malformed request (400): nothing of it is written. */
public class BadRequestException extends ApiException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super(400, "bad-request", message);
    }
}
