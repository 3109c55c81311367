package org.kgmigration.importer;

import java.util.List;
import org.kgmigration.api.MessageClassRule;

/**
 * The message classes the server stores. An entry {@code IPM.Note} covers {@code IPM.Note} itself and
 * every class below it ({@code IPM.Note.SMIME}, {@code IPM.Note.SMIME.MultipartSigned}); an entry
 * starting with {@code =} covers exactly that class ({@code =IPM}). Comparison ignores case, as
 * MAPI does.
 */
public final class MessageClassWhitelist {
    /**
     * Every class that Kopano's own clients (WebApp, DeskApp, kopano-dagent/spooler, Z-Push, the
     * Outlook extension) create, see docs/importer.md.
     */
    public static final List<String> DEFAULT = List.of(
            "=IPM",
            "IPM.Note",
            "IPM.Post",
            "IPM.Appointment",
            "IPM.Schedule.Meeting",
            "IPM.Contact",
            "IPM.DistList",
            "IPM.Task",
            "IPM.TaskRequest",
            "IPM.StickyNote",
            "IPM.Activity",
            "IPM.Document",
            "IPM.OLE.CLASS",
            "IPM.Recall",
            "IPM.Sharing",
            "IPM.Outlook.Recall",
            "IPM.Microsoft.ScheduleData.FreeBusy",
            "IPM.Microsoft.FolderDesign.NamedView",
            "IPM.Microsoft.WunderBar",
            "IPM.Configuration",
            "IPM.ExtendedRule.Message",
            "IPM.Rule.Message",
            "IPM.Rule.Version2.Message",
            "IPM.RuleOrganizer",
            "IPM.AbchPerson",
            "REPORT.IPM");

    private final List<String> entries;

    private MessageClassWhitelist(List<String> entries) {
        this.entries = entries;
    }

    public static MessageClassWhitelist defaults() {
        return new MessageClassWhitelist(DEFAULT);
    }

    /** @throws IllegalArgumentException for an empty entry or one with spaces */
    public static MessageClassWhitelist of(List<String> entries) {
        for (String e : entries) {
            String c = e == null ? "" : e.startsWith("=") ? e.substring(1) : e;
            if (c.isBlank() || !c.equals(c.trim()) || c.contains(" ") || c.endsWith(".")) {
                throw new IllegalArgumentException("'" + e + "' is not a message class");
            }
        }
        return new MessageClassWhitelist(List.copyOf(entries));
    }

    public List<String> entries() {
        return entries;
    }

    /** Whether a message of class {@code messageClass} is stored. A missing class is never stored. */
    public boolean allows(String messageClass) {
        return MessageClassRule.covers(entries, messageClass);
    }
}
