package org.kgmigration.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The verdict of the demo (scripts/demo.sh): compares migrate's report ({@code --report FILE})
 * with the target users the demo created and with what the importer holds ({@code importer stats
 * --json}). Every sample mailbox must have been imported, every message migrate sent must be in
 * the mailbox, nothing may have failed. Prints a table and the items skipped by design; exit code
 * 0 when all is well, 1 (naming each problem) otherwise.
 * Every message the dump carried must be either in a mailbox or skipped as documented.
 * Arguments: TARGETS.tsv REPORT.json STATS.json DUMPED (messages + associated kgdump wrote).
 */
public final class DemoCheck {
    private DemoCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: DemoCheck TARGETS.tsv REPORT.json STATS.json DUMPED");
            System.exit(2);
        }
        List<String> problems = new ArrayList<>();
        Map<String, Long> expected = new LinkedHashMap<>(); // target user -> messages migrate delivered
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                expected.put(line.split("\t")[0], 0L);
            }
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode report = json.readTree(Path.of(args[1]).toFile());
        JsonNode stats = json.readTree(Path.of(args[2]).toFile());
        Map<String, Long> skipped = new TreeMap<>();
        System.out.printf(Locale.ROOT, "%-32s %-10s %9s %9s %9s %7s %12s%n", "target mailbox", "status", "messages",
                "imported", "present", "failed", "on importer");
        for (JsonNode s : report.path("stores")) {
            String target = s.path("target").asText("(none)");
            String status = s.path("status").asText();
            long messages = s.path("messages").asLong();
            long arrived = s.path("imported").asLong() + s.path("alreadyPresent").asLong();
            long failed = s.path("failed").asLong();
            long server = s.path("importer").path("messages").asLong(-1);
            System.out.printf(Locale.ROOT, "%-32s %-10s %9d %9d %9d %7d %12d%n", target, status, messages,
                    s.path("imported").asLong(), s.path("alreadyPresent").asLong(), failed, server);
            if (!expected.containsKey(target)) {
                problems.add("store " + s.path("guid").asText() + " went to " + target + ", not to a sample mailbox");
                continue;
            }
            expected.merge(target, arrived, Long::sum);
            if (!status.equals("imported")) {
                problems.add(target + ": status " + status + (s.path("reason").isTextual() ? " - "
                        + s.path("reason").asText() : ""));
            }
            if (failed > 0) {
                problems.add(target + ": " + failed + " item(s) failed");
            }
            if (arrived != messages) {
                problems.add(target + ": " + messages + " messages sent, " + arrived + " imported or already there");
            }
            if (server != arrived) {
                problems.add(target + ": the importer counts " + server + " messages of the store, migrate " + arrived);
            }
            s.path("skipped").properties().forEach(e -> skipped.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        }
        Map<String, Long> held = new TreeMap<>();
        for (JsonNode m : stats) {
            held.put(m.path("upn").asText(), m.path("messages").asLong());
        }
        long total = 0;
        long sent = 0;
        for (JsonNode s : report.path("stores")) {
            sent += s.path("messages").asLong();
        }
        long skippedMessages = skipped.entrySet().stream()
                .filter(e -> e.getKey().startsWith("message ") || e.getKey().startsWith("soft-deleted message"))
                .mapToLong(Map.Entry::getValue).sum();
        long dumped = Long.parseLong(args[3]);
        if (sent + skippedMessages != dumped) {
            problems.add("kgdump wrote " + dumped + " messages; migrate sent " + sent + " and skipped " + skippedMessages);
        }
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            Long h = held.get(e.getKey());
            if (e.getValue() == 0 && report.path("stores").findValues("target").stream()
                    .noneMatch(t -> t.asText().equals(e.getKey()))) {
                problems.add(e.getKey() + ": no store was migrated into it");
            } else if (h == null || h.longValue() != e.getValue()) {
                problems.add(e.getKey() + ": importer stats shows " + h + " messages, migrate delivered " + e.getValue());
            }
            total += e.getValue();
        }
        if (!skipped.isEmpty()) {
            System.out.println("skipped by design (counted in the report, explained in README.md \"What is migrated\"):");
            skipped.forEach((reason, n) -> System.out.printf(Locale.ROOT, "  %6d  %s%n", n, reason));
        }
        if (report.path("storeLevelItemsNotCarried").asLong() > 0) {
            System.out.println("store-level items (rules, permissions, out-of-office ...) in the dump but not imported"
                    + " (import API v1 has no endpoint yet): " + report.path("storeLevelItemsNotCarried").asLong());
        }
        if (problems.isEmpty()) {
            System.out.printf(Locale.ROOT, "OK: all %d sample mailboxes migrated; of the %d messages in the dump %d are"
                    + " in the mailboxes and %d were skipped by design; nothing lost%n", expected.size(), dumped, total,
                    skippedMessages);
            return;
        }
        problems.forEach(p -> System.out.println("PROBLEM: " + p));
        System.out.println("FAILED: " + problems.size() + " problem(s)");
        System.exit(1);
    }
}
