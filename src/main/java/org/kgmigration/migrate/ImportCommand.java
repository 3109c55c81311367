package org.kgmigration.migrate;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.kgmigration.camel.CamelJob;
import org.kgmigration.camel.RouteFiles;
import org.kgmigration.error.KgmException;
import org.kgmigration.error.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code migrate import}: reads a dump (stdin or file) and delivers it to the importer endpoint. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reads a dump (stdin or file) and delivers it to the Exchange4all importer over HTTPS.",
            "Every selected store goes to its target user: folders first, then the attachment data the",
            "server does not have yet, then message batches, in parallel, retried on timeouts and server",
            "errors, idempotent by source identity. A journal next to the input (or --journal) lets an",
            "interrupted import continue where it stopped when run again with the same input.",
            "Before anything is uploaded every store needs a target user, and every target user must exist",
            "and be inactive; a refused store is reported and nothing of it is sent. See docs/migrate.md.",
            ""},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  IMPORTER_CONFIG      YAML settings: mapping, tls, classes, delivery, token, journal",
            "                       (documented example: config/migrate.yaml)",
            "  IMPORTER_IMPORT_URL  the importer endpoint, e.g. https://e4a.example.org:8443/ (required)",
            "  IMPORTER_TOKEN       the importer's shared secret, if it requires one (wins over token_file)",
            "  DEBUG_LEVEL          log verbosity: error|warn|info|debug|trace or 0-4 (default info)",
            "",
            "Exit codes: 0 everything imported, 3 done but items were skipped (see the report), 1 something was",
            "refused or failed, 2 bad usage or configuration, 130 interrupted (run again to resume)."})
public final class ImportCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ImportCommand.class);

    static final class Input {
        @Option(names = "--stdin", required = true, description = "read the dump from standard input (a pipe, also through ssh)")
        boolean stdin;

        @Option(names = "--input", required = true, paramLabel = "FILE", description = "read the dump from FILE (e.g. carried on a removable disk)")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--dry-run", description = "read the whole dump, resolve the mapping, preflight every target user and"
            + " report what would be imported and what refused; upload nothing")
    boolean dryRun;

    @Option(names = "--user", paramLabel = "NAME", description = "only the store(s) of this owner (login name, e-mail or last owner name); repeatable")
    List<String> users = new ArrayList<>();

    @Option(names = "--store", paramLabel = "GUID", description = "only this store; repeatable")
    List<String> stores = new ArrayList<>();

    @Option(names = "--public", description = "the public store(s)")
    boolean publicStores;

    @Option(names = "--exclude-user", paramLabel = "NAME", description = "leave out the store(s) of this owner; repeatable")
    List<String> excludeUsers = new ArrayList<>();

    @Option(names = "--exclude-store", paramLabel = "GUID", description = "leave out this store; repeatable")
    List<String> excludeStores = new ArrayList<>();

    @Option(names = "--map", paramLabel = "SOURCE=UPN", description = "map a source login, e-mail or store GUID (or 'public')"
            + " to a target user; repeatable; adds to mapping.map")
    List<String> maps = new ArrayList<>();

    @Option(names = "--default-domain", paramLabel = "DOMAIN", description = "append @DOMAIN to source names without one (mapping.default_domain)")
    String defaultDomain;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "CA bundle that issued the importer's certificate (tls.ca_file)")
    Path caFile;

    @Option(names = "--concurrency", paramLabel = "N", description = "batches in flight at once (delivery.concurrency; default 4)")
    Integer concurrency;

    @Option(names = "--report", paramLabel = "FILE", description = "also write the final report as JSON to FILE")
    Path reportFile;

    @Option(names = "--journal", paramLabel = "FILE", description = "the resume journal (default: INPUT.journal next to"
            + " --input, migrate-import.journal in the working directory with --stdin)")
    Path journalFile;

    @Option(names = "--insecure", description = "DANGEROUS: do not verify the importer's certificate or host name")
    boolean insecure;

    /** The process environment; tests that run the command in-process replace it. */
    static volatile Map<String, String> environment = System.getenv();

    @Override
    public Integer call() {
        Map<String, String> env = environment;
        MigrateConfig cfg = config(env);
        String url = env.get("IMPORTER_IMPORT_URL");
        String endpoint = endpoint(url, insecure);
        if (input.file != null && !Files.isRegularFile(input.file)) {
            throw new UsageException("--input " + input.file + ": no such file");
        }
        if (input.file != null && !Files.isReadable(input.file)) {
            throw new UsageException("--input " + input.file + ": not readable");
        }
        StoreSelection selection = new StoreSelection(users, stores, publicStores, excludeUsers, excludeStores);
        Path journal = journalFile != null ? journalFile : cfg.journal != null ? cfg.journal
                : input.file != null ? input.file.resolveSibling(input.file.getFileName() + ".journal")
                : Path.of("migrate-import.journal");
        if (insecure) {
            String w = "WARNING: --insecure: the importer's certificate and host name are NOT verified; anyone between"
                    + " this machine and " + endpoint + " can read and change the mail being migrated";
            System.err.println("migrate: " + w);
            LOG.warn(w);
        }
        ImportReport report = new ImportReport(dryRun);
        String token = cfg.resolveToken(env);
        ImportRunner.Settings settings = new ImportRunner.Settings(dryRun, selection,
                input.file == null ? null : input.file.toAbsolutePath(), journal.toAbsolutePath(), cfg.spoolDir);
        Path inputAbs = input.file == null ? null : input.file.toAbsolutePath();
        Integer code;
        KgmException failure = null;
        CamelJob.Builder b = CamelJob.named("migrate-import")
                .routes(RouteFiles.locations(RouteFiles.IMPORT))
                .property("camel.main.stream-caching-enabled", "false")
                .property("import.endpoint", endpoint)
                .property("import.retries.max", cfg.retriesMax)
                .property("import.retries.initial-delay-ms", cfg.retryInitialDelayMs)
                .property("import.retries.max-delay-ms", cfg.retryMaxDelayMs)
                .property("import.input-mode", inputAbs == null ? "stdin" : "file")
                .property("import.input-dir", inputAbs == null ? "." : inputAbs.getParent().toString())
                .property("import.input-name", inputAbs == null ? "-" : inputAbs.getFileName().toString())
                .property("camel.component.https.ssl-context-parameters", "#bean:importTls")
                .property("camel.component.https.connect-timeout", cfg.connectTimeoutS * 1000L)
                .property("camel.component.https.so-timeout", cfg.readTimeoutS * 1000L)
                .property("camel.component.https.response-timeout", cfg.readTimeoutS * 1000L)
                .property("camel.component.https.connections-per-route", cfg.concurrency + 2)
                .property("camel.component.https.max-total-connections", cfg.concurrency + 2)
                .property("camel.component.https.follow-redirects", "false")
                .bean("importTls", TlsSettings.build(cfg, env))
                .bean("importInput", new ImportInput())
                .bean("deliveryRetries", new RetryCounter(report));
        if (insecure) {
            b.property("camel.component.https.x509-hostname-verifier", "#bean:noHostnameCheck")
                    .bean("noHostnameCheck", NoopHostnameVerifier.INSTANCE);
        }
        // the runner needs the job's producer template, so it is bound through a holder
        RunnerHolder holder = new RunnerHolder();
        b.bean("importRunner", holder);
        Progress progress = null;
        Thread hook = new Thread(() -> {
            report.interrupted();
            System.err.println("migrate: interrupted; run the same command again to continue where it stopped (journal "
                    + journal + ")");
            if (reportFile != null) {
                try {
                    report.writeJson(reportFile);
                } catch (RuntimeException e) {
                    // nothing more to do while the JVM stops
                }
            }
        }, "migrate-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try (CamelJob job = b.start()) {
            ImportClient client = new ImportClient(job.context().createProducerTemplate(), endpoint, token);
            ImportRunner runner = new ImportRunner(cfg, settings, client, report);
            holder.runner = runner;
            long size = inputAbs == null ? -1 : sizeOf(inputAbs);
            progress = new Progress(System.err, System.console() != null, size, runner::bytesRead,
                    Integer.getInteger("kgm.progress.interval", 30)).start();
            runner.progress(progress);
            try {
                code = job.request("direct:import-run", null, Integer.class);
                failure = holder.failure;
            } catch (KgmException e) {
                failure = e;
                code = null;
            }
        } finally {
            if (progress != null) {
                progress.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already stopping
            }
        }
        if (failure != null) {
            report.fatal(failure.getMessage());
        }
        if (failure == null || !report.stores().isEmpty()) {
            report.print(System.err);
        }
        if (reportFile != null) {
            report.writeJson(reportFile);
        }
        if (failure != null) {
            throw failure;
        }
        if (report.fatal() != null && !report.isInterrupted()) {
            // the run stopped early: end with the one line that says why
            throw new KgmException(report.fatal());
        }
        return code == null ? report.exitCode() : code;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The bean the import-run route calls: forwards to the runner made after Camel started. */
    public static final class RunnerHolder {
        volatile ImportRunner runner;
        volatile KgmException failure;

        public int run(java.io.InputStream in) {
            try {
                return runner.run(in);
            } catch (KgmException e) {
                failure = e;
                return e.exitCode();
            }
        }
    }

    private MigrateConfig config(Map<String, String> env) {
        String file = env.get("IMPORTER_CONFIG");
        MigrateConfig cfg = file == null || file.isBlank() ? MigrateConfig.defaults() : MigrateConfig.load(Path.of(file));
        if (defaultDomain != null) {
            cfg.defaultDomain = defaultDomain;
        }
        for (String m : maps) {
            int eq = m.indexOf('=');
            if (eq <= 0 || eq == m.length() - 1) {
                throw new UsageException("--map '" + m + "' is not SOURCE=UPN");
            }
            cfg.map.put(m.substring(0, eq).trim(), m.substring(eq + 1).trim());
        }
        if (caFile != null) {
            cfg.caFile = caFile;
            cfg.trustStore = null;
        }
        if (concurrency != null) {
            if (concurrency < 1 || concurrency > 64) {
                throw new UsageException("--concurrency must be 1 to 64");
            }
            cfg.concurrency = concurrency;
        }
        cfg.insecure = insecure;
        cfg.validate();
        if (cfg.classWhitelist != null) {
            try {
                new ClassFilter(cfg.classWhitelist);
            } catch (IllegalArgumentException e) {
                throw new UsageException("classes.whitelist: " + e.getMessage());
            }
        }
        try {
            cfg.userMapping();
        } catch (KgmException e) {
            throw new UsageException(e.getMessage());
        }
        return cfg;
    }

    /** {@code https://host:port[/prefix]} from IMPORTER_IMPORT_URL. */
    static String endpoint(String url, boolean insecure) {
        if (url == null || url.isBlank()) {
            throw new UsageException("IMPORTER_IMPORT_URL is not set: give the importer endpoint, e.g."
                    + " IMPORTER_IMPORT_URL=https://e4a.example.org:8443/");
        }
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new UsageException("IMPORTER_IMPORT_URL '" + url + "' is not a URL: " + e.getMessage());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https")) {
            throw new UsageException("IMPORTER_IMPORT_URL '" + url + "' must start with https:// (the importer speaks"
                    + " only HTTPS)");
        }
        if (u.getHost() == null) {
            throw new UsageException("IMPORTER_IMPORT_URL '" + url + "' has no host name");
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith("/api/v1")) {
            path = path.substring(0, path.length() - "/api/v1".length());
        }
        String host = u.getHost();
        return "https://" + host + ":" + (u.getPort() > 0 ? u.getPort() : 443) + path;
    }
}
