package org.kgmigration.migrate;

import java.util.List;
import org.kgmigration.api.MessageClassRule;

/**
 * The client-side message-class whitelist, with the rules the importer advertises
 * (docs/import-api.md): an entry {@code IPM.Note} covers that class and every class below it
 * ({@code IPM.Note.SMIME}); an entry starting with {@code =} covers exactly that class. Case is
 * ignored, as in MAPI. A message without a class is never allowed.
 */
public final class ClassFilter {
    private final List<String> entries;

    public ClassFilter(List<String> entries) {
        for (String e : entries) {
            String c = e == null ? "" : e.startsWith("=") ? e.substring(1) : e;
            if (c.isBlank() || c.contains(" ") || c.endsWith(".")) {
                throw new IllegalArgumentException("'" + e + "' is not a message class");
            }
        }
        this.entries = List.copyOf(entries);
    }

    public List<String> entries() {
        return entries;
    }

    public boolean allows(String messageClass) {
        return MessageClassRule.covers(entries, messageClass);
    }
}
