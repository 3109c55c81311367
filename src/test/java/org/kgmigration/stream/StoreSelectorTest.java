package org.kgmigration.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreSelectorTest {
    static DumpRecord.Store store(String guid, String type, Integer userId, String login, String email, String last) {
        return new DumpRecord.Store(guid, type, new DumpRecord.Owner(userId, login, email, null, null, null, null, last, 0),
                List.of(), List.of(), List.of(), Map.of());
    }

    static final DumpRecord.Store SYSTEM = store("8962ffeffb7b4d639bc5967c4bb58234", "private", 2, null, null, "SYSTEM");
    static final DumpRecord.Store DORA = store("d522f90309d94872be3832e8afb0e5d3", "private", 3, "dora@beispiel.de",
            "dora@beispiel.de", "dora@beispiel.de");
    static final DumpRecord.Store CAROL = store("d7ad0e20ab144e2b8a368a578097694c", "private", 5, "carol", "carol@example.org",
            "carol");
    static final DumpRecord.Store LDAP = store("df9fd0e7c3bf4bcc97bf7e7d81929778", "orphan", 9, null, null, "olduser");
    static final DumpRecord.Store PUBLIC = store("03996c16de214f36a1daf0272bc3b108", "public", 1, null, null, "Everyone");
    static final List<DumpRecord.Store> ALL = List.of(SYSTEM, DORA, CAROL, LDAP, PUBLIC);

    @Test
    void default_is_everything_but_system() {
        assertEquals(List.of(DORA, CAROL, LDAP, PUBLIC), StoreSelector.all().select(ALL));
    }

    @Test
    void users_match_login_email_or_last_owner_exactly_ignoring_case() {
        assertEquals(List.of(DORA), sel(List.of("DORA@beispiel.de"), List.of(), false, List.of(), List.of()).select(ALL));
        assertEquals(List.of(CAROL), sel(List.of("carol@example.org"), List.of(), false, List.of(), List.of()).select(ALL));
        assertEquals(List.of(CAROL), sel(List.of("carol"), List.of(), false, List.of(), List.of()).select(ALL));
        assertEquals(List.of(LDAP), sel(List.of("olduser"), List.of(), false, List.of(), List.of()).select(ALL));
        // no guessing of domains: 'dora' is not dora@beispiel.de
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sel(List.of("dora"), List.of(), false, List.of(), List.of()).select(ALL));
        assertTrue(e.getMessage().contains("--user dora"), e.getMessage());
        assertTrue(e.getMessage().contains("dora@beispiel.de") && e.getMessage().contains("carol <carol@example.org>"),
                e.getMessage());
    }

    @Test
    void stores_public_union_and_exclusions() {
        StoreSelector s = sel(List.of("carol"), List.of("{D522F903-09D9-4872-BE38-32E8AFB0E5D3}"), true, List.of(), List.of());
        assertEquals(List.of(DORA, CAROL, PUBLIC), s.select(ALL));
        // SYSTEM only by GUID
        assertEquals(List.of(SYSTEM), sel(List.of(), List.of(SYSTEM.guid()), false, List.of(), List.of()).select(ALL));
        assertEquals(List.of(DORA, LDAP, PUBLIC),
                sel(List.of(), List.of(), false, List.of("carol"), List.of()).select(ALL));
        assertEquals(List.of(DORA, CAROL, LDAP),
                sel(List.of(), List.of(), false, List.of(), List.of(PUBLIC.guid().toUpperCase())).select(ALL));
    }

    @Test
    void unknown_selectors_fail_and_list_what_exists() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sel(List.of(), List.of("00000000000000000000000000000000"), false, List.of(), List.of()).select(ALL));
        assertTrue(e.getMessage().startsWith("no store matches --store 00000000000000000000000000000000; stores: "),
                e.getMessage());
        assertTrue(e.getMessage().contains(DORA.guid() + " (private, dora@beispiel.de)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> sel(List.of(), List.of(), false, List.of("nobody"), List.of()).select(ALL));
        assertTrue(e.getMessage().contains("--exclude-user nobody"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> sel(List.of(), List.of("xyz"), false, List.of(), List.of()));
        assertTrue(e.getMessage().contains("not a store GUID"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> sel(List.of(), List.of(), true, List.of(), List.of()).select(List.of(DORA)));
        assertTrue(e.getMessage().contains("--public"), e.getMessage());
    }

    private static StoreSelector sel(List<String> u, List<String> s, boolean p, List<String> xu, List<String> xs) {
        return new StoreSelector(u, s, p, xu, xs);
    }
}
