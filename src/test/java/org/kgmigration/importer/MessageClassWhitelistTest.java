package org.kgmigration.importer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageClassWhitelistTest {
    private final MessageClassWhitelist d = MessageClassWhitelist.defaults();

    @Test
    void an_entry_covers_itself_and_its_subclasses_ignoring_case() {
        assertTrue(d.allows("IPM.Note"));
        assertTrue(d.allows("ipm.note"));
        assertTrue(d.allows("IPM.Note.SMIME"));
        assertTrue(d.allows("IPM.Note.SMIME.MultipartSigned"));
        assertFalse(d.allows("IPM.Notes"));
        assertFalse(d.allows("IPM.NoteX.Y"));
    }

    @Test
    void the_default_covers_what_kopano_clients_create() {
        for (String c : List.of("IPM.Appointment", "IPM.Schedule.Meeting.Request", "IPM.Schedule.Meeting.Resp.Pos",
                "IPM.Schedule.Meeting.Canceled", "IPM.Contact", "IPM.DistList", "IPM.Task", "IPM.TaskRequest.Accept",
                "IPM.StickyNote", "IPM.Activity", "IPM.Post", "IPM.Microsoft.ScheduleData.FreeBusy",
                "IPM.Configuration.WorkHours", "REPORT.IPM.Note.NDR", "REPORT.IPM.Note.IPNRN",
                "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}", "IPM", "IPM.RuleOrganizer")) {
            assertTrue(d.allows(c), c);
        }
        for (String c : List.of("IPM.Vendor.Custom", "IPC.Something", "", "Foo")) {
            assertFalse(d.allows(c), c);
        }
        assertFalse(d.allows(null));
    }

    @Test
    void an_equals_sign_means_exactly_that_class() {
        MessageClassWhitelist w = MessageClassWhitelist.of(List.of("=IPM.Note", "IPM.Contact"));
        assertTrue(w.allows("IPM.Note"));
        assertFalse(w.allows("IPM.Note.SMIME"));
        assertTrue(w.allows("IPM.Contact.Custom"));
        assertThrows(IllegalArgumentException.class, () -> MessageClassWhitelist.of(List.of("IPM. Note")));
        assertThrows(IllegalArgumentException.class, () -> MessageClassWhitelist.of(List.of("=")));
    }
}
