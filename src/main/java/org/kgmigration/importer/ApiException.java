package org.kgmigration.importer;

/** A request that the API answers with an error status and a sentence for the operator. */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String error;

    public ApiException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    /** A short machine-readable code, e.g. {@code forbidden}, {@code user-active}. */
    public String error() {
        return error;
    }
}
