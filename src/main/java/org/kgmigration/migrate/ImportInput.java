package org.kgmigration.migrate;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.InputStream;

/**
 * Standard input for the {@code import-run} route. camel-stream's {@code stream:in} is line-based
 * or, in raw mode, reads the whole input into one byte array; a dump may be terabytes, so the
 * route takes the process's standard input as an unbuffered stream from here instead and the
 * dump reader reads it record by record.
 */
public final class ImportInput {
    /** The process's standard input (not System.in, which a library might have replaced). */
    public InputStream stdin() {
        return new FileInputStream(FileDescriptor.in);
    }
}
