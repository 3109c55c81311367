package org.kgmigration.kopano;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a task of kgdump's own threads (folder readers, read-ahead) and passing on its failure. */
final class Await {
    private Await() {
    }

    /**
     * The task's result; its exception is rethrown as it was when it is a {@code checked} one, a
     * runtime exception or an error.
     *
     * @param what for the message when the wait is interrupted
     */
    static <T, X extends Exception> T result(Future<T> f, Class<X> checked, String what)
            throws X, InterruptedIOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + what);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (checked.isInstance(c)) {
                throw checked.cast(c);
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new UncheckedIOException(new IOException(c));
        }
    }
}
