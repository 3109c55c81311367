package org.kgmigration.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kgmigration.cli.ImporterCli;
import org.kgmigration.cli.KgDumpCli;
import org.kgmigration.cli.MigrateCli;
import org.kgmigration.importer.ImporterConfig;
import org.kgmigration.kopano.SourceConfig;
import org.kgmigration.migrate.MigrateConfig;
import org.kgmigration.testsupport.Programs;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * README.md's configuration reference against the code: the options of every (sub)command as
 * picocli declares them, and the keys of each configuration file as its loader accepts them;
 * every key must also be explained in the program's page under docs/.
 */
class ReferenceDocTest {
    static final Pattern ROW = Pattern.compile("^\\| `((?:kgdump|migrate|importer)(?: [a-z-]+)+)` \\|(.*)\\|\\s*$");
    static final Pattern TICKED = Pattern.compile("`([^`]+)`");

    static String readme() throws IOException {
        return Files.readString(Programs.projectDir().resolve("README.md"), StandardCharsets.UTF_8);
    }

    /** "kgdump dump" -> its options' longest names, without --help and --version. */
    static Map<String, SortedSet<String>> options() {
        Map<String, SortedSet<String>> out = new LinkedHashMap<>();
        for (Object cmd : List.of(new KgDumpCli(), new MigrateCli(), new ImporterCli())) {
            collect(new CommandLine(cmd).getCommandSpec(), out);
        }
        return out;
    }

    static void collect(CommandSpec spec, Map<String, SortedSet<String>> out) {
        SortedSet<String> names = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp()) {
                names.add(o.longestName());
            }
        }
        if (!names.isEmpty() || spec.subcommands().isEmpty()) {
            out.put(spec.qualifiedName(), names);
        }
        spec.subcommands().values().forEach(c -> collect(c.getCommandSpec(), out));
    }

    static SortedSet<String> ticked(String text) {
        SortedSet<String> s = new TreeSet<>();
        Matcher m = TICKED.matcher(text);
        while (m.find()) {
            s.add(m.group(1));
        }
        return s;
    }

    @Test
    void the_readme_lists_every_option_of_every_command() throws IOException {
        Map<String, SortedSet<String>> documented = new LinkedHashMap<>();
        for (String line : readme().split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                documented.put(m.group(1), ticked(m.group(2)));
            }
        }
        Map<String, SortedSet<String>> code = options();
        List<String> expectedRows = new ArrayList<>();
        code.forEach((cmd, opts) -> expectedRows.add("| `" + cmd + "` | "
                + String.join(" ", opts.stream().map(o -> "`" + o + "`").toList()) + " |"));
        assertEquals(code, documented, "README.md reference rows should be:\n" + String.join("\n", expectedRows));
    }

    /** The line after "Keys of FILE:" in the README section of the program. */
    static SortedSet<String> readmeKeys(String marker) throws IOException {
        for (String line : readme().split("\n")) {
            if (line.startsWith(marker)) {
                return ticked(line.substring(marker.length()));
            }
        }
        throw new AssertionError("README.md has no line starting with '" + marker + "'");
    }

    static void explainedIn(String doc, SortedSet<String> keys) throws IOException {
        String text = Files.readString(Programs.projectDir().resolve(doc), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (String k : keys) {
            String last = k.substring(k.lastIndexOf('.') + 1);
            if (!text.contains("`" + k + "`") && !text.contains("`" + last + "`")) {
                missing.add(k);
            }
        }
        assertEquals(List.of(), missing, "keys not explained in " + doc);
    }

    @Test
    void the_readme_lists_every_key_of_kgdump_yaml() throws IOException {
        assertEquals(SourceConfig.knownKeys(), readmeKeys("Keys of `config/kgdump.yaml`:"));
        explainedIn("docs/kgdump.md", SourceConfig.knownKeys());
    }

    @Test
    void the_readme_lists_every_key_of_importer_config() throws IOException {
        assertEquals(MigrateConfig.knownKeys(), readmeKeys("Keys of `IMPORTER_CONFIG`:"));
        explainedIn("docs/migrate.md", MigrateConfig.knownKeys());
    }

    @Test
    void the_readme_lists_every_key_of_the_importer_section() throws IOException {
        assertEquals(ImporterConfig.knownKeys(), readmeKeys("Keys of `e4a.adminrpc.importer`:"));
        explainedIn("docs/importer.md", ImporterConfig.knownKeys());
    }

    @Test
    void the_readme_names_every_program_environment_variable() throws IOException {
        String readme = readme();
        for (String v : List.of("KGDUMP_CONFIG", "KGDUMP_DB_PASSWORD", "IMPORTER_CONFIG", "IMPORTER_IMPORT_URL",
                "IMPORTER_TOKEN", "E4A_CONFIG", "E4A_STORE_PASSWORD", "DEBUG_LEVEL", "JAVA_OPTS")) {
            assertTrue(readme.contains("`" + v + "`"), v);
        }
    }
}
