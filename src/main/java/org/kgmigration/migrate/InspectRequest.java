package org.kgmigration.migrate;

import java.nio.file.Path;

/**
 * What {@code migrate inspect} was asked to read.
 *
 * @param input the dump file, or null to read standard input
 * @param json  report as JSON instead of text
 */
public record InspectRequest(Path input, boolean json) {
    /** The input as a user would name it: the file, or {@code stdin}. */
    public String source() {
        return input == null ? "stdin" : input.toString();
    }

    @Override
    public String toString() {
        return source();
    }
}
