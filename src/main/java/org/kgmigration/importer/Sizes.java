package org.kgmigration.importer;

import java.util.Locale;

/** Byte sizes as administrators write them: {@code 1048576}, {@code 64M}, {@code 2G}, {@code 512KiB}. */
public final class Sizes {
    private Sizes() {
    }

    /** @throws IllegalArgumentException when {@code s} is not a size */
    public static long parse(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([KMGT]?)(I?B)?").matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("is not a size (bytes, or with K, M, G, T)");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("is too large");
        }
        return n << shift;
    }

    /** A human-readable size, e.g. {@code 1.5 GiB}. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
