package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceConfigTest {
    @TempDir
    Path dir;

    @Test
    void the_shipped_file_gives_the_kopano_defaults() {
        Path shipped = Path.of(System.getProperty("kgm.project.dir", ".")).resolve("config/kgdump.yaml");
        SourceConfig c = SourceConfig.load(shipped, Map.of(), SourceConfig.Overrides.none());
        assertEquals("localhost", c.dbHost());
        assertEquals(3306, c.dbPort());
        assertEquals("kopano", c.dbName());
        assertEquals("kopano", c.dbUser());
        assertEquals("", c.dbPassword());
        assertEquals(Path.of("/var/lib/kopano/attachments"), c.attachmentsDir());
        assertEquals(SourceConfig.Storage.AUTO, c.storage());
        assertNull(c.dbSocket());
        assertNull(c.filesL1());
    }

    @Test
    void command_line_overrides_the_file_and_the_password_comes_from_env_or_file() throws Exception {
        Files.writeString(dir.resolve("pw"), "s3cret\nignored\n");
        Path f = dir.resolve("k.yaml");
        Files.writeString(f, "database:\n  host: db1\n  port: 3307\n  name: zarafa\n  user: ro\n  passwordFile: pw\n"
                + "attachments:\n  dir: att\n  storage: files\n  filesL1: 20\n  filesL2: 40\ntempDir: /var/tmp\n");
        SourceConfig c = SourceConfig.load(f, Map.of(), SourceConfig.Overrides.none());
        assertEquals("db1", c.dbHost());
        assertEquals(3307, c.dbPort());
        assertEquals("s3cret", c.dbPassword());
        assertEquals(dir.resolve("att"), c.attachmentsDir());
        assertEquals(SourceConfig.Storage.FILES, c.storage());
        assertEquals(20, c.filesL1());
        assertEquals(40, c.filesL2());
        assertEquals(Path.of("/var/tmp"), c.tempDir());
        c = SourceConfig.load(f, Map.of("KGDUMP_DB_PASSWORD", "fromenv"), new SourceConfig.Overrides("db2", 3308,
                "/run/sock", "kopano2", "u2", Path.of("/a"), "database", 10, 20, Path.of("/t")));
        assertEquals("fromenv", c.dbPassword());
        assertEquals("db2", c.dbHost());
        assertEquals(3308, c.dbPort());
        assertEquals("/run/sock", c.dbSocket());
        assertEquals("kopano2", c.dbName());
        assertEquals("u2", c.dbUser());
        assertEquals(SourceConfig.Storage.DATABASE, c.storage());
        assertTrue(KopanoConnector.url(c).contains("localSocket=%2Frun%2Fsock"), KopanoConnector.url(c));
    }

    @Test
    void mistakes_are_one_line_errors() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "database:\n  hots: x\n");
        SourceException e = assertThrows(SourceException.class, () -> SourceConfig.load(f, Map.of(), SourceConfig.Overrides.none()));
        assertTrue(e.getMessage().contains("unknown setting database.hots"), e.getMessage());
        Files.writeString(f, "attachments:\n  storage: s4\n");
        e = assertThrows(SourceException.class, () -> SourceConfig.load(f, Map.of(), SourceConfig.Overrides.none()));
        assertTrue(e.getMessage().contains("'s4'"), e.getMessage());
        Files.writeString(f, "database: [\n");
        e = assertThrows(SourceException.class, () -> SourceConfig.load(f, Map.of(), SourceConfig.Overrides.none()));
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
        e = assertThrows(SourceException.class,
                () -> SourceConfig.load(dir.resolve("none.yaml"), Map.of(), SourceConfig.Overrides.none()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        Files.writeString(f, "database:\n  passwordFile: missing\n");
        e = assertThrows(SourceException.class, () -> SourceConfig.load(f, Map.of(), SourceConfig.Overrides.none()));
        assertTrue(e.getMessage().contains("password file"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
