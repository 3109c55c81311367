package org.kgmigration.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.kgmigration.testsupport.Programs;

/**
 * docs/troubleshooting.md against the code: every message text it lists occurs in a string literal
 * of the programs, and every error the programs raise with a message of their own
 * ({@code new KgmException("…")} and the other exception types that reach the user) is listed.
 */
class TroubleshootingDocTest {
    static final Pattern THROW = Pattern.compile("new (KgmException|UsageException|SourceException|ConfigException"
            + "|StoreException|DumpFormatException|ApiFailure|ApiException)\\(");
    static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final Pattern TICKED = Pattern.compile("`([^`]+)`");

    /** Every string literal of the main sources, per throw site and all together. */
    record Site(String where, List<String> literals) {
    }

    static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(Programs.projectDir().resolve("src/main/java"))) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> literals(String code) {
        List<String> out = new ArrayList<>();
        Matcher m = LITERAL.matcher(code);
        while (m.find()) {
            out.add(m.group(1).replace("\\'", "'").replace("\\\"", "\""));
        }
        return out;
    }

    static List<Site> sites() throws IOException {
        List<Site> out = new ArrayList<>();
        for (Path p : sources()) {
            String code = read(p);
            Matcher m = THROW.matcher(code);
            while (m.find()) {
                int end = code.indexOf(");", m.end());
                String args = code.substring(m.end(), end < 0 ? code.length() : end);
                int line = (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                List<String> lits = literals(args).stream().filter(l -> l.replaceAll("[^A-Za-z]", "").length() >= 4).toList();
                if (!lits.isEmpty()) {
                    out.add(new Site(p.getFileName() + ":" + line, lits));
                }
            }
        }
        return out;
    }

    /** The texts in backticks in the first column of the doc's tables, split at "…". */
    static List<String> documented() throws IOException {
        List<String> out = new ArrayList<>();
        String doc = Files.readString(Programs.projectDir().resolve("docs/troubleshooting.md"), StandardCharsets.UTF_8);
        for (String line : doc.split("\n")) {
            if (!line.startsWith("| ") || line.startsWith("| message") || line.startsWith("|---")) {
                continue;
            }
            String first = line.substring(2, line.indexOf(" | ", 1));
            Matcher m = TICKED.matcher(first);
            while (m.find()) {
                for (String part : m.group(1).split("…")) {
                    if (!part.isBlank()) {
                        out.add(part);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void every_listed_message_is_in_the_code() throws IOException {
        List<String> all = new ArrayList<>();
        StringBuilder raw = new StringBuilder();
        for (Path p : sources()) {
            String code = read(p);
            all.addAll(literals(code));
            raw.append(code);
        }
        List<String> docs = documented();
        assertTrue(docs.size() > 100, "the doc lists the messages: " + docs.size());
        List<String> unknown = new ArrayList<>();
        for (String d : docs) {
            boolean found = d.matches("\\d{3}") ? raw.indexOf(d) >= 0 : all.stream().anyMatch(l -> l.contains(d));
            if (!found) {
                unknown.add(d);
            }
        }
        assertEquals(List.of(), unknown, "texts in docs/troubleshooting.md that no message of the code contains");
    }

    @Test
    void every_message_of_the_code_is_listed() throws IOException {
        List<String> docs = documented().stream().filter(d -> d.strip().length() >= 4).toList();
        List<String> missing = new ArrayList<>();
        for (Site s : sites()) {
            if (s.literals().stream().noneMatch(l -> docs.stream().anyMatch(l::contains))) {
                missing.add(s.where() + " " + s.literals());
            }
        }
        assertEquals(List.of(), missing, "messages not listed in docs/troubleshooting.md");
    }
}
