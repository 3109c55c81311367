package org.kgmigration.importer.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLocationTest {
    @TempDir
    Path tmp;

    @Test
    void the_embedded_store_is_protected_by_a_private_secret() throws Exception {
        StoreLocation a = StoreLocation.embedded(tmp);
        StoreLocation b = StoreLocation.embedded(tmp);
        assertEquals(a.password(), b.password());
        assertTrue(a.password().length() >= 32);
        Path secret = tmp.resolve(StoreLocation.EMBEDDED_NAME + ".secret");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        try (MailboxStore s = MailboxStore.open(a)) {
            s.addUser("x@example.org", null, false, null);
        }
        StoreLocation wrong = new StoreLocation(a.url(), a.user(), "guessed");
        assertThrows(StoreException.class, () -> MailboxStore.open(wrong).close());
        try (MailboxStore s = MailboxStore.open(b)) {
            assertEquals(1, s.users().size());
        }
    }

    @Test
    void only_h2_and_mariadb_urls_are_accepted() {
        assertEquals(StoreLocation.Dialect.MARIADB, new StoreLocation("jdbc:mariadb://h/db", null, null).dialect());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StoreLocation("jdbc:postgresql://h/db?password=secret", null, null).dialect());
        assertTrue(e.getMessage().contains("password=***"), e.getMessage());
    }
}
