package org.kgmigration.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.error.KgmException;
import org.kgmigration.stream.DumpRecord;

class UserMappingTest {
    static DumpRecord.Store store(String guid, String type, String login, String email, String last) {
        return new DumpRecord.Store(guid, type, new DumpRecord.Owner(3, login, email, null, null, 65537, true, last, 0),
                List.of(), List.of(), List.of(), Map.of());
    }

    static final DumpRecord.Store DORA = store("d522f90309d94872be3832e8afb0e5d3", "private", "dora@beispiel.de", "dora@beispiel.de", "dora@beispiel.de");
    static final DumpRecord.Store FRIEDA = store("d7ad0e20ab144e2b8a368a578097694c", "private", "frieda", "frieda@beispiel.de", "frieda");
    static final DumpRecord.Store PUBLIC = new DumpRecord.Store("03996c16de214f36a1daf0272bc3b108", "public",
            new DumpRecord.Owner(1, null, null, null, null, 196610, null, "Everyone", 0), List.of(), List.of(), List.of(), Map.of());

    @Test
    void names_that_are_already_upns_map_to_themselves() {
        UserMapping m = new UserMapping(Map.of(), null, true);
        assertEquals(Optional.of("dora@beispiel.de"), m.targetOf(DORA));
        assertEquals(Optional.empty(), m.targetOf(FRIEDA), "frieda has no domain and none is configured");
        assertEquals(Optional.empty(), m.targetOf(PUBLIC), "the public store is never mapped implicitly");
    }

    @Test
    void default_domain_is_appended_to_names_without_one() {
        UserMapping m = new UserMapping(Map.of(), "example.org", true);
        assertEquals(Optional.of("frieda@example.org"), m.targetOf(FRIEDA));
        assertEquals(Optional.of("dora@beispiel.de"), m.targetOf(DORA));
    }

    @Test
    void explicit_entries_win_by_guid_then_login_email_or_last_owner() {
        UserMapping m = new UserMapping(Map.of(
                "D522F90309D94872BE3832E8AFB0E5D3", "archive@example.org",
                "FRIEDA@beispiel.de", "f.froehlich",
                "public", "public-folders@example.org"), "example.org", true);
        assertEquals(Optional.of("archive@example.org"), m.targetOf(DORA));
        assertEquals(Optional.of("f.froehlich@example.org"), m.targetOf(FRIEDA), "matched by e-mail, domain appended");
        assertEquals(Optional.of("public-folders@example.org"), m.targetOf(PUBLIC));
    }

    @Test
    void without_source_names_only_explicit_entries_map() {
        UserMapping m = new UserMapping(Map.of("frieda", "frieda@example.org"), null, false);
        assertEquals(Optional.empty(), m.targetOf(DORA));
        assertEquals(Optional.of("frieda@example.org"), m.targetOf(FRIEDA));
    }

    @Test
    void bad_targets_and_domains_are_refused() {
        KgmException e = assertThrows(KgmException.class, () -> new UserMapping(Map.of("x", "not a upn"), null, false));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        assertThrows(KgmException.class, () -> new UserMapping(Map.of(), "nodot", true));
    }

    @Test
    void csv_with_header_comments_and_quotes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("users.csv");
        Files.writeString(f, "source,target\n# comment\n\"frieda\",\"frieda@example.org\"\ncarol;carol@example.org\n\n");
        assertEquals(Map.of("frieda", "frieda@example.org", "carol", "carol@example.org"), UserMapping.readCsv(f));
        Files.writeString(f, "a,b\nx\n");
        KgmException e = assertThrows(KgmException.class, () -> UserMapping.readCsv(f));
        assertTrue(e.getMessage().contains(":2:"), e.getMessage());
    }
}
