package org.kgmigration.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImporterConfigTest {
    @TempDir
    Path tmp;

    @Test
    void reads_the_file_administrators_are_told_to_write() throws Exception {
        Path f = tmp.resolve("config.yaml");
        Files.writeString(f, """
                e4a:
                    adminrpc:
                        importer:
                            ip_white_lists:
                              - 198.51.100.5
                              - 203.0.113.19
                """);
        ImporterConfig c = ImporterConfig.load(f);
        assertTrue(c.present());
        assertEquals(List.of("198.51.100.5", "203.0.113.19"), c.ipWhiteLists());
        assertNull(c.listen());
        assertNull(c.messageClasses());
        LiveConfig.Snapshot s = LiveConfig.start(f, LiveConfig.Overrides.none()).current();
        assertFalse(s.whitelist().isEmpty());
        assertNull(s.offReason());
        assertFalse(s.enforceQuota());
        assertEquals(MessageClassWhitelist.DEFAULT, s.classes().entries());
    }

    @Test
    void the_shipped_example_is_valid() {
        Path example = Path.of(System.getProperty("kgm.project.dir", ".")).resolve("config/importer-config.yaml");
        ImporterConfig c = ImporterConfig.load(example);
        assertTrue(c.present());
        assertFalse(c.ipWhiteLists().isEmpty());
        LiveConfig.start(example, LiveConfig.Overrides.none());
    }

    @Test
    void other_sections_are_ignored_and_missing_keys_mean_off() throws Exception {
        Path f = tmp.resolve("config.yaml");
        Files.writeString(f, "e4a:\n  smtp:\n    port: 25\n  adminrpc:\n    listen: 1.2.3.4\n");
        ImporterConfig c = ImporterConfig.load(f);
        assertEquals(List.of(), c.ipWhiteLists());
        LiveConfig.Snapshot s = LiveConfig.start(f, LiveConfig.Overrides.none()).current();
        assertTrue(s.whitelist().isEmpty());
        assertTrue(s.offReason().contains("empty or missing"), s.offReason());
        LiveConfig.Snapshot missing = LiveConfig.start(tmp.resolve("nope.yaml"), LiveConfig.Overrides.none()).current();
        assertTrue(missing.offReason().contains("does not exist"), missing.offReason());
    }

    @Test
    void wrong_forms_are_errors_naming_the_key() throws Exception {
        Path f = tmp.resolve("config.yaml");
        Files.writeString(f, "e4a:\n  adminrpc:\n    importer:\n      ip_white_lists: 198.51.100.5\n");
        ImporterConfig.ConfigException e = assertThrows(ImporterConfig.ConfigException.class, () -> ImporterConfig.load(f));
        assertTrue(e.getMessage().contains("ip_white_lists"), e.getMessage());
        Files.writeString(f, "e4a:\n  adminrpc:\n    importer:\n      ip_white_lists: [host.example.org]\n");
        e = assertThrows(ImporterConfig.ConfigException.class, () -> LiveConfig.start(f, LiveConfig.Overrides.none()));
        assertTrue(e.getMessage().contains("host.example.org"), e.getMessage());
        Files.writeString(f, "e4a:\n  adminrpc:\n    importer:\n      enforce_quota: yes please\n");
        e = assertThrows(ImporterConfig.ConfigException.class, () -> ImporterConfig.load(f));
        assertTrue(e.getMessage().contains("enforce_quota"), e.getMessage());
        Files.writeString(f, "e4a: [\n");
        e = assertThrows(ImporterConfig.ConfigException.class, () -> ImporterConfig.load(f));
        assertTrue(e.getMessage().contains("YAML"), e.getMessage());
    }

    @Test
    void sizes_and_options_override_the_file() throws Exception {
        Path f = tmp.resolve("config.yaml");
        Files.writeString(f, "e4a:\n  adminrpc:\n    importer:\n      ip_white_lists: [10.0.0.0/8]\n"
                + "      max_batch_bytes: 16M\n      enforce_quota: true\n      message_classes: [IPM.Note]\n");
        LiveConfig.Snapshot s = LiveConfig.start(f, LiveConfig.Overrides.none()).current();
        assertEquals(16L << 20, s.limits().maxBatchBytes());
        assertTrue(s.enforceQuota());
        assertFalse(s.classes().allows("IPM.Contact"));
        LiveConfig.Snapshot o = LiveConfig.start(f, new LiveConfig.Overrides(List.of("::1"), null, false, null, 7, null,
                null)).current();
        assertFalse(o.enforceQuota());
        assertEquals(7, o.limits().maxBatchItems());
        assertEquals(List.of("::1"), o.whitelist().entries());
        assertEquals(5L << 30, Sizes.parse("5G"));
        assertEquals(512L << 10, Sizes.parse("512KiB"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("5 gallons"));
    }
}
