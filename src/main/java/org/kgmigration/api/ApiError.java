package org.kgmigration.api;

/** The body of every error response: HTTP status, a short code and a sentence for the operator. */
public record ApiError(int status, String error, String message) {
}
