package org.kgmigration.api;

import java.util.List;
import java.util.Locale;

/**
 * The {@code messageClasses} rule of the import API (docs/import-api.md), applied by the server to
 * what it stores and by migrate to what it sends: an entry {@code IPM.Note} covers that class and
 * every class below it ({@code IPM.Note.SMIME}, not {@code IPM.Notes}); an entry starting with
 * {@code =} covers exactly that class. Case is ignored, as in MAPI. A message without a class is
 * never covered.
 */
public final class MessageClassRule {
    private MessageClassRule() {
    }

    /** Whether one of {@code entries} covers {@code messageClass}. */
    public static boolean covers(List<String> entries, String messageClass) {
        if (messageClass == null || messageClass.isEmpty()) {
            return false;
        }
        String c = messageClass.toLowerCase(Locale.ROOT);
        for (String e : entries) {
            if (e.startsWith("=")) {
                if (c.equals(e.substring(1).toLowerCase(Locale.ROOT))) {
                    return true;
                }
            } else {
                String p = e.toLowerCase(Locale.ROOT);
                if (c.equals(p) || c.startsWith(p + ".")) {
                    return true;
                }
            }
        }
        return false;
    }
}
