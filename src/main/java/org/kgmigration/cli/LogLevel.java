package org.kgmigration.cli;

import org.kgmigration.error.UsageException;
import java.util.Locale;

/** Maps {@code DEBUG_LEVEL} (error|warn|info|debug|trace, or 0-4) to a logback level name. */
public final class LogLevel {
    public static final String PROPERTY = "kgm.log.level";
    private static final String[] NAMES = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

    private LogLevel() {
    }

    /**
     * @param value the environment value, may be null or blank (then INFO)
     * @return the logback level name
     * @throws UsageException when the value is not a known level
     */
    public static String parse(String value) {
        if (value == null || value.isBlank()) {
            return "INFO";
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.length() == 1 && v.charAt(0) >= '0' && v.charAt(0) <= '4') {
            return NAMES[v.charAt(0) - '0'];
        }
        if (v.equals("WARNING")) {
            return "WARN";
        }
        for (String n : NAMES) {
            if (n.equals(v)) {
                return n;
            }
        }
        throw new UsageException("DEBUG_LEVEL='" + value + "' is not one of error, warn, info, debug, trace or 0-4");
    }

    /** Sets the level for logback before the first logger is created (logback.xml reads the property). */
    public static void apply(String value) {
        System.setProperty(PROPERTY, parse(value));
    }
}
