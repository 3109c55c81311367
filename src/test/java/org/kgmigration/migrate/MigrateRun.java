package org.kgmigration.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kgmigration.cli.Cli;
import org.kgmigration.cli.MigrateCli;

/** Runs {@code migrate import} in-process with a given environment, capturing stderr and the JSON report. */
public final class MigrateRun {
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();

    public static MigrateRun to(ImporterFixture importer) {
        return to(importer.url());
    }

    /** To the import API at {@code url} (IMPORTER_IMPORT_URL). */
    public static MigrateRun to(String url) {
        MigrateRun r = new MigrateRun();
        r.env.put("IMPORTER_IMPORT_URL", url);
        return r;
    }

    public MigrateRun env(String k, String v) {
        env.put(k, v);
        return this;
    }

    /** Writes {@code yaml} as IMPORTER_CONFIG. */
    public MigrateRun config(Path dir, String yaml) {
        try {
            Files.createDirectories(dir);
            Path p = Files.createTempFile(dir, "migrate", ".yaml");
            Files.writeString(p, yaml);
            env.put("IMPORTER_CONFIG", p.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public MigrateRun args(String... a) {
        args.addAll(List.of(a));
        return this;
    }

    public record Result(int code, String stderr, JsonNode report) {
        /** The report entry of a store. */
        public JsonNode store(String guid) {
            for (JsonNode s : report.get("stores")) {
                if (s.get("guid").asText().equalsIgnoreCase(guid)) {
                    return s;
                }
            }
            throw new AssertionError("no store " + guid + " in the report: " + report);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n" + stderr;
        }
    }

    /** Runs with {@code --report} in {@code dir}. */
    public Result go(Path dir) {
        Path report = dir.resolve("report-" + System.nanoTime() + ".json");
        List<String> all = new ArrayList<>();
        all.add("import");
        all.addAll(args);
        all.add("--report=" + report);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.err;
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                buf.write(b);
                old.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buf.write(b, off, len);
                old.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        int code;
        ImportCommand.environment = Map.copyOf(env);
        System.setErr(tee);
        try {
            code = Cli.run("migrate", new MigrateCli(), all.toArray(new String[0]));
        } finally {
            System.setErr(old);
            ImportCommand.environment = System.getenv();
        }
        JsonNode json = null;
        if (Files.exists(report)) {
            try {
                json = new ObjectMapper().readTree(report.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Result(code, buf.toString(StandardCharsets.UTF_8), json);
    }
}
