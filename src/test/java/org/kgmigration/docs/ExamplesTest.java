package org.kgmigration.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.importer.ImporterConfig;
import org.kgmigration.importer.LiveConfig;
import org.kgmigration.importer.TestPki;
import org.kgmigration.kopano.SourceConfig;
import org.kgmigration.migrate.ClassFilter;
import org.kgmigration.migrate.MigrateConfig;
import org.kgmigration.migrate.TlsSettings;
import org.kgmigration.testsupport.Programs;
import org.yaml.snakeyaml.Yaml;

/**
 * Every file in examples/ (and config/) goes through the loader and validation of the program it
 * is for, so examples never rot: kgdump's settings through SourceConfig, IMPORTER_CONFIG files
 * through MigrateConfig with their user mapping, class filter and TLS trust (with a real CA file
 * where the example names one), the importer's section through LiveConfig (whitelist, classes,
 * limits) with no unknown key. The run-mode scripts must parse and use only existing options;
 * README.md's links must point at existing files.
 */
class ExamplesTest {
    @TempDir
    Path tmp;

    enum Kind { KGDUMP, MIGRATE, IMPORTER }

    static Kind kind(Path yaml) throws IOException {
        Object root = new Yaml().load(Files.readString(yaml, StandardCharsets.UTF_8));
        assertTrue(root instanceof Map, yaml + " is a YAML mapping");
        Map<?, ?> m = (Map<?, ?>) root;
        if (m.containsKey("e4a")) {
            return Kind.IMPORTER;
        }
        return m.containsKey("database") || m.containsKey("attachments") ? Kind.KGDUMP : Kind.MIGRATE;
    }

    static void validate(Path yaml, boolean withTls) throws IOException {
        switch (kind(yaml)) {
            case KGDUMP -> {
                SourceConfig c = SourceConfig.load(yaml, Map.of("KGDUMP_DB_PASSWORD", "secret"), SourceConfig.Overrides.none());
                assertNotNull(c, yaml.toString());
            }
            case MIGRATE -> {
                MigrateConfig c = MigrateConfig.load(yaml);
                assertNotNull(c.userMapping(), yaml.toString());
                if (c.classWhitelist != null) {
                    new ClassFilter(c.classWhitelist);
                }
                if (withTls) {
                    assertNotNull(TlsSettings.build(c, Map.of()), yaml.toString());
                }
            }
            case IMPORTER -> {
                LiveConfig live = LiveConfig.start(yaml, LiveConfig.Overrides.none());
                assertFalse(live.current().whitelist().isEmpty(), yaml + ": the import API is on");
                Map<?, ?> section = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) new Yaml()
                        .load(Files.readString(yaml))).get("e4a")).get("adminrpc")).get("importer");
                Set<String> keys = new TreeSet<>();
                section.keySet().forEach(k -> keys.add(String.valueOf(k)));
                keys.removeAll(ImporterConfig.knownKeys());
                assertEquals(Set.of(), keys, yaml + ": unknown keys");
            }
        }
    }

    static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void every_example_configuration_passes_its_programs_validation() throws IOException {
        Path examples = Programs.projectDir().resolve("examples");
        Path copy = Files.createDirectories(tmp.resolve("examples"));
        for (Path f : files(examples, "")) {
            Files.copy(f, copy.resolve(f.getFileName()));
        }
        // the examples name the importer's CA as importer-ca.pem next to them; give them a real one
        TestPki pki = TestPki.create(tmp.resolve("pki"));
        Files.copy(pki.caCert, copy.resolve("importer-ca.pem"));
        List<Kind> seen = new ArrayList<>();
        for (Path yaml : files(copy, ".yaml")) {
            validate(yaml, true);
            seen.add(kind(yaml));
        }
        assertTrue(seen.contains(Kind.KGDUMP) && seen.contains(Kind.IMPORTER) && seen.stream()
                .filter(k -> k == Kind.MIGRATE).count() >= 3, "examples for all three programs: " + seen);
    }

    @Test
    void the_documented_configuration_files_pass_too() throws IOException {
        List<Path> yamls = files(Programs.projectDir().resolve("config"), ".yaml");
        assertEquals(3, yamls.size(), yamls.toString());
        for (Path yaml : yamls) {
            validate(yaml, false); // config/migrate.yaml names a CA under /etc
        }
    }

    @Test
    void the_run_mode_scripts_parse_and_use_only_existing_options() throws Exception {
        List<Path> scripts = files(Programs.projectDir().resolve("examples"), ".sh");
        assertEquals(List.of("run-local-pipe.sh", "run-removable-disk.sh", "run-ssh-pipe.sh"),
                scripts.stream().map(p -> p.getFileName().toString()).toList());
        Set<String> options = new TreeSet<>();
        ReferenceDocTest.options().values().forEach(options::addAll);
        Pattern opt = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");
        for (Path s : scripts) {
            Process p = new ProcessBuilder("bash", "-n", s.toString()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), s + ": " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(Files.isExecutable(s), s + " is executable");
            for (String line : Files.readAllLines(s)) {
                if (line.trim().startsWith("#") || line.contains("ssh ")) {
                    continue; // comments; ssh's own options
                }
                Matcher m = opt.matcher(line);
                while (m.find()) {
                    assertTrue(options.contains(m.group()), s.getFileName() + " uses " + m.group() + ", which no command has");
                }
            }
        }
    }

    @Test
    void the_readme_links_point_at_existing_files() throws IOException {
        Path root = Programs.projectDir();
        for (String doc : List.of("README.md", "examples/README.md", "docs/troubleshooting.md")) {
            String text = Files.readString(root.resolve(doc), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)").matcher(text);
            while (m.find()) {
                Path target = root.resolve(doc).getParent() == null ? root.resolve(m.group(1))
                        : root.resolve(doc).getParent().resolve(m.group(1));
                assertTrue(Files.exists(target), doc + " links to " + m.group(1) + ", which does not exist");
            }
        }
    }
}
