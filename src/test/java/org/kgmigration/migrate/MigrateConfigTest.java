package org.kgmigration.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.error.UsageException;
import org.kgmigration.migrate.MigrateConfig.Unmapped;
import org.kgmigration.stream.DumpRecord;

/** IMPORTER_CONFIG: the documented example, the shipped examples, strict keys, values. */
class MigrateConfigTest {
    @TempDir
    Path tmp;

    static DumpRecord.Store store(String guid, String type, String login, String email) {
        return new DumpRecord.Store(guid, type, login == null ? null
                : new DumpRecord.Owner(3, login, email, null, null, 65537, true, login, 0), List.of(), List.of(), List.of(),
                Map.of());
    }

    // the owners of the real dataset files_v2-de (MANIFEST.md)
    static final DumpRecord.Store DORA = store("d522f90309d94872be3832e8afb0e5d3", "private", "dora@beispiel.de", "dora@beispiel.de");
    static final DumpRecord.Store FRIEDA = store("d7ad0e20ab144e2b8a368a578097694c", "private", "frieda", "frieda@beispiel.de");
    static final DumpRecord.Store GAST = store("df9fd0e7c3bf4bcc97bf7e7d81929778", "private", "gast@beispiel.de", "gast@beispiel.de");
    static final DumpRecord.Store PUBLIC = store("03996c16de214f36a1daf0272bc3b108", "public", null, null);

    static Path project(String rel) {
        return Path.of(System.getProperty("kgm.project.dir", ".")).resolve(rel);
    }

    @Test
    void the_documented_example_loads_with_the_values_it_shows() {
        MigrateConfig c = MigrateConfig.load(project("config/migrate.yaml"));
        assertEquals("example.org", c.defaultDomain);
        assertEquals(Unmapped.ERROR, c.unmapped);
        assertEquals(4, c.concurrency);
        assertEquals(200, c.batchSize);
        assertEquals(8L << 20, c.maxBatchBytes);
        assertEquals(5, c.retriesMax);
        assertEquals(Path.of("/etc/kg-migration/importer-ca.pem"), c.caFile);
        assertNull(c.classWhitelist, "absent = the server's list");
        UserMapping m = c.userMapping();
        assertEquals(Optional.of("f.froehlich@example.org"), m.targetOf(FRIEDA));
        assertEquals(Optional.of("guest@example.org"), m.targetOf(GAST));
        assertEquals(Optional.of("dora@beispiel.de"), m.targetOf(DORA));
        assertEquals(Optional.of("public-folders@example.org"), m.targetOf(PUBLIC));
    }

    @Test
    void the_shipped_examples_map_as_their_comments_say() {
        UserMapping upn = MigrateConfig.load(project("examples/upn-names.yaml")).userMapping();
        assertEquals(Optional.of("dora@beispiel.de"), upn.targetOf(DORA));
        assertEquals(Optional.empty(), upn.targetOf(FRIEDA), "no domain, none configured");
        UserMapping dd = MigrateConfig.load(project("examples/default-domain.yaml")).userMapping();
        assertEquals(Optional.of("frieda@example.org"), dd.targetOf(FRIEDA));
        MigrateConfig ex = MigrateConfig.load(project("examples/explicit-map.yaml"));
        assertEquals(Unmapped.SKIP, ex.unmapped);
        assertEquals(Optional.of("archive-frieda@example.org"), ex.userMapping().targetOf(FRIEDA), "GUID wins");
        assertEquals(Optional.empty(), ex.userMapping().targetOf(GAST));
        MigrateConfig csv = MigrateConfig.load(project("examples/csv-map.yaml"));
        assertEquals(project("examples/users.csv").toAbsolutePath().normalize(), csv.mapFile.toAbsolutePath().normalize());
        assertEquals(Optional.of("frieda.froehlich@example.org"), csv.userMapping().targetOf(FRIEDA));
        assertEquals(Optional.of("guest@example.org"), csv.userMapping().targetOf(GAST));
        assertTrue(Files.exists(project("examples/README.md")));
    }

    @Test
    void unknown_keys_and_bad_values_name_the_key() throws Exception {
        Path f = tmp.resolve("c.yaml");
        Files.writeString(f, "tls:\n  cafile: x.pem\n");
        UsageException e = assertThrows(UsageException.class, () -> MigrateConfig.load(f));
        assertTrue(e.getMessage().contains("unknown key 'tls.cafile'"), e.getMessage());
        Files.writeString(f, "delivery:\n  concurrency: 0\n");
        e = assertThrows(UsageException.class, () -> MigrateConfig.load(f));
        assertTrue(e.getMessage().contains("delivery.concurrency must be a whole number from 1 to 64"), e.getMessage());
        Files.writeString(f, "delivery:\n  max_batch_bytes: lots\n");
        e = assertThrows(UsageException.class, () -> MigrateConfig.load(f));
        assertTrue(e.getMessage().contains("delivery.max_batch_bytes"), e.getMessage());
        Files.writeString(f, "mapping:\n  unmapped: maybe\n");
        e = assertThrows(UsageException.class, () -> MigrateConfig.load(f));
        assertTrue(e.getMessage().contains("'error' or 'skip'"), e.getMessage());
        Files.writeString(f, "mapping: [1, 2]\n");
        assertThrows(UsageException.class, () -> MigrateConfig.load(f));
        Files.writeString(f, "journal: j.txt\ndelivery:\n  max_batch_bytes: 512K\n");
        MigrateConfig c = MigrateConfig.load(f);
        assertEquals(512L << 10, c.maxBatchBytes);
        assertEquals(tmp.resolve("j.txt").toAbsolutePath(), c.journal.toAbsolutePath(), "relative to the file");
        assertFalse(c.insecure, "only the command line switches verification off");
    }

    @Test
    void the_token_comes_from_the_environment_then_the_file_then_the_key() throws Exception {
        MigrateConfig c = MigrateConfig.defaults();
        c.token = "from-key";
        assertEquals("from-key", c.resolveToken(Map.of()));
        Files.writeString(tmp.resolve("t"), "from-file\n");
        c.tokenFile = tmp.resolve("t");
        assertEquals("from-file", c.resolveToken(Map.of()));
        assertEquals("from-env", c.resolveToken(Map.of("IMPORTER_TOKEN", "from-env")));
    }

    @Test
    void class_rules_cover_subclasses_and_exact_entries() {
        ClassFilter f = new ClassFilter(List.of("IPM.Note", "=IPM"));
        assertTrue(f.allows("IPM.Note"));
        assertTrue(f.allows("ipm.note.smime.multipartsigned"));
        assertTrue(f.allows("IPM"));
        assertFalse(f.allows("IPM.Notes"));
        assertFalse(f.allows("IPM.Appointment"));
        assertFalse(f.allows(null));
        assertThrows(IllegalArgumentException.class, () -> new ClassFilter(List.of("IPM.")));
    }

    @Test
    void the_endpoint_is_https_host_and_port() {
        assertEquals("https://e4a.example.org:8443", ImportCommand.endpoint("https://e4a.example.org:8443/", false));
        assertEquals("https://e4a.example.org:443", ImportCommand.endpoint("https://e4a.example.org", false));
        assertEquals("https://h:1/e4a", ImportCommand.endpoint("https://h:1/e4a/api/v1/", false));
        assertEquals("https://[::1]:8443", ImportCommand.endpoint("https://[::1]:8443/", false));
        assertThrows(UsageException.class, () -> ImportCommand.endpoint("http://h:1/", false));
        assertThrows(UsageException.class, () -> ImportCommand.endpoint("e4a.example.org:8443", false));
    }
}
