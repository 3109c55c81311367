package org.kgmigration.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kgmigration.api.AttachmentItem;
import org.kgmigration.api.MessageItem;
import org.kgmigration.importer.TestPki;
import org.kgmigration.migrate.ImporterFixture;
import org.kgmigration.migrate.StoreCompare;
import org.kgmigration.stream.DumpReader;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.Prop;
import org.kgmigration.testsupport.Programs;
import org.kgmigration.testsupport.RealDataset;
import org.kgmigration.testsupport.TestDatabase;

/**
 * The whole system on the real Kopano datasets: {@code bin/kgdump dump --stdout | bin/migrate import
 * --stdin} (and {@code --output} / {@code --input}) into the real importer over HTTPS on loopback;
 * then the importer's mailboxes are compared with the dataset's manifest.json (per-folder counts,
 * message classes, attachment SHA-256s) and with the dump, property by property.
 */
class RealPipelineIT {
    @TempDir
    static Path shared;
    static TestPki pki;
    @TempDir
    Path tmp;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(shared.resolve("pki"));
    }

    static final String DOMAIN = "example.org";

    /** The target user of a store owner (manifest store_user / kgdump login). */
    static String target(String storeUser) {
        if (storeUser.equals("Everyone") || storeUser.equals("public")) {
            return "public@" + DOMAIN;
        }
        return storeUser.contains("@") ? storeUser.toLowerCase(Locale.ROOT) : storeUser + "@" + DOMAIN;
    }

    static List<String> source(RealDataset ds) {
        return List.of("--db-host", TestDatabase.host(), "--db-port", Integer.toString(TestDatabase.port()), "--db-user",
                TestDatabase.user(), "--db-name", ds.db().name(), "--attachments-dir", ds.attachmentsDir().toString());
    }

    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void kgdump_piped_into_migrate_and_through_a_file_equals_the_manifest(String name) throws Exception {
        try (RealDataset ds = RealDataset.load(name);
             ImporterFixture viaPipe = ImporterFixture.start(tmp.resolve("imp-pipe"), pki, null);
             ImporterFixture viaFile = ImporterFixture.start(tmp.resolve("imp-file"), pki, null)) {
            JsonNode manifest = ds.manifest();
            Map<String, String> upnByStore = new HashMap<>();
            for (JsonNode s : manifest.path("db").path("stores")) {
                if (s.path("user_name").asText().equals("SYSTEM")) {
                    continue;
                }
                String upn = target(s.path("user_name").asText());
                upnByStore.put(s.path("guid").asText().toLowerCase(Locale.ROOT), upn);
                viaPipe.addUser(upn, false);
                viaFile.addUser(upn, false);
            }
            String bin = Programs.projectDir().resolve("bin").toString();
            List<String> migrateArgs = List.of("import", "--ca-file=" + pki.caCert, "--default-domain=" + DOMAIN,
                    "--map=public=public@" + DOMAIN);

            // 1. the pipe, exactly as administrators run it
            StringBuilder cmd = new StringBuilder("set -o pipefail; ").append(q(bin + "/kgdump")).append(" dump --stdout");
            for (String a : source(ds)) {
                cmd.append(' ').append(q(a));
            }
            cmd.append(" | ").append(q(bin + "/migrate"));
            for (String a : migrateArgs) {
                cmd.append(' ').append(q(a));
            }
            cmd.append(" --stdin --report=").append(q(tmp.resolve("pipe.json").toString()));
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd.toString()).directory(tmp.toFile())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("pipe.log").toFile());
            pb.environment().put("KGDUMP_DB_PASSWORD", TestDatabase.password());
            pb.environment().put("IMPORTER_IMPORT_URL", viaPipe.url());
            pb.environment().remove("IMPORTER_CONFIG");
            Process p = pb.start();
            assertTrue(p.waitFor(600, TimeUnit.SECONDS));
            String log = Files.readString(tmp.resolve("pipe.log"));
            // 3: items were skipped (folders outside the IPM subtree and their messages), nothing failed
            assertEquals(3, p.exitValue(), log);

            // 2. the same through a file
            Path dump = tmp.resolve(name + ".d1");
            List<String> a = new ArrayList<>(List.of("dump", "--output=" + dump));
            a.addAll(source(ds));
            Programs.Result k = Programs.program("kgdump", a).env("KGDUMP_DB_PASSWORD", TestDatabase.password()).cwd(tmp).go();
            assertEquals(0, k.exitCode(), k.stderr());
            List<String> m = new ArrayList<>(migrateArgs);
            m.add("--input=" + dump);
            m.add("--report=" + tmp.resolve("file.json"));
            Programs.Result r = Programs.program("migrate", m).env("IMPORTER_IMPORT_URL", viaFile.url()).cwd(tmp).go();
            assertEquals(3, r.exitCode(), r.stderr());

            for (ImporterFixture imp : List.of(viaPipe, viaFile)) {
                String which = imp == viaPipe ? "pipe" : "file";
                // property by property against the dump: everything outside the IPM subtree is a documented skip
                Map<String, String> ipm = ipmFolders(dump);
                StoreCompare c = new StoreCompare(imp.store, upnByStore)
                        .run(dump, x -> ipm.containsKey(x.storeGuid() + "/" + x.folderId()));
                assertEquals(List.of(), c.differences(), which);
                assertTrue(c.compared() > 10, which + ": compared " + c.compared());
                checkManifest(manifest, imp, dump, upnByStore, which);
                JsonNode report = new ObjectMapper().readTree(tmp.resolve(which + ".json").toFile());
                for (JsonNode s : report.get("stores")) {
                    assertEquals("imported", s.get("status").asText(), which + ": " + s);
                    assertEquals(0, s.get("failed").asInt(), which + ": " + s);
                    s.get("skipped").fieldNames().forEachRemaining(reason -> assertTrue(
                            reason.startsWith("folder outside the IPM subtree")
                                    || reason.startsWith("message in a folder that is not imported")
                                    || reason.startsWith("message in the store's root folder")
                                    || reason.startsWith("message in the IPM subtree folder itself")
                                    || reason.startsWith("folder below a folder that is not imported"),
                            which + ": undocumented skip " + reason));
                }
            }
        }
    }

    /** Store GUID + "/" + folder id → path (names below the root) of every folder inside the IPM subtree. */
    static Map<String, String> ipmFolders(Path dump) throws Exception {
        Map<String, String> paths = new HashMap<>();
        Map<String, String> ipm = new LinkedHashMap<>();
        Map<String, String> roles = new HashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(dump)); DumpReader r = new DumpReader(in)) {
            String store = null;
            DumpRecord rec;
            while ((rec = r.next()) != null) {
                if (rec instanceof DumpRecord.Store s) {
                    store = s.guid();
                } else if (rec instanceof DumpRecord.Folder f) {
                    String name = "";
                    for (Prop p : f.props()) {
                        if (p.tag() == 0x3001001F) {
                            name = (String) p.value();
                        }
                    }
                    String key = store + "/" + f.id();
                    String parentPath = f.parentId() == null ? null : paths.get(store + "/" + f.parentId());
                    String path = f.parentId() == null ? "" : parentPath == null || parentPath.isEmpty() ? name
                            : parentPath + "/" + name;
                    paths.put(key, path);
                    roles.put(key, f.role());
                    String parentRole = f.parentId() == null ? null : roles.get(store + "/" + f.parentId());
                    boolean inIpm = "ipm_subtree".equals(parentRole) || (f.parentId() != null
                            && ipm.containsKey(store + "/" + f.parentId()));
                    if (inIpm && !f.deleted()) {
                        // the path below the IPM subtree, as the manifest writes it after "IPM_SUBTREE/"
                        ipm.put(key, "ipm_subtree".equals(parentRole) ? name : ipm.get(store + "/" + f.parentId()) + "/" + name);
                    }
                }
            }
        }
        return ipm;
    }

    /**
     * The manifest's answer key against the importer: per folder of the IPM subtree the number of
     * messages (normal + associated; soft-deleted ones are not dumped by default), per store the
     * message classes, and every attachment's SHA-256 stored.
     */
    static void checkManifest(JsonNode manifest, ImporterFixture imp, Path dump, Map<String, String> upnByStore,
            String which) throws Exception {
        Map<String, String> ipm = ipmFolders(dump);
        // server-side: messages per source folder and classes per store, read back through the store
        Map<String, Long> perFolder = new TreeMap<>();
        Map<String, Map<String, Long>> classes = new TreeMap<>();
        java.util.Set<String> blobs = new java.util.TreeSet<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(dump)); DumpReader r = new DumpReader(in)) {
            String store = null;
            DumpRecord rec;
            while ((rec = r.next()) != null) {
                if (rec instanceof DumpRecord.Store s) {
                    store = s.guid();
                } else if (rec instanceof DumpRecord.Message msg && !msg.embedded()) {
                    String upn = upnByStore.get(store);
                    MessageItem got = upn == null ? null : imp.store.readMessage(upn, store.toUpperCase(Locale.ROOT),
                            msg.id().toUpperCase(Locale.ROOT));
                    if (got != null) {
                        String path = ipm.get(store + "/" + got.folder().toLowerCase(Locale.ROOT));
                        assertNotNull(path, which + ": message " + msg.id() + " in a folder outside the IPM subtree");
                        perFolder.merge(upn + "|" + path, 1L, Long::sum);
                        classes.computeIfAbsent(upn, u -> new TreeMap<>()).merge(got.messageClass(), 1L, Long::sum);
                        collect(got.attachments(), blobs);
                    }
                }
            }
        }
        long total = 0;
        for (String upn : new java.util.TreeSet<>(upnByStore.values())) {
            for (Map.Entry<String, String> e : upnByStore.entrySet()) {
                if (e.getValue().equals(upn)) {
                    total += imp.store.messageCount(upn, e.getKey().toUpperCase(Locale.ROOT));
                }
            }
        }
        assertEquals(total, perFolder.values().stream().mapToLong(Long::longValue).sum(),
                which + ": every message on the server comes from the dump");

        // soft-deleted folders (and everything below them) are not dumped by default
        java.util.Set<String> deleted = new java.util.HashSet<>();
        for (JsonNode f : manifest.path("db").path("folders")) {
            if ((f.path("flags").asInt() & 1024) != 0) {
                deleted.add(f.path("store_user").asText() + "|" + f.path("path").asText());
            }
        }
        java.util.function.BiPredicate<String, String> gone = (user, path) -> deleted.stream()
                .anyMatch(d -> (user + "|" + path).equals(d) || (user + "|" + path).startsWith(d + "/"));
        Map<String, Long> expectedFolders = new TreeMap<>();
        for (JsonNode f : manifest.path("db").path("folders")) {
            String user = f.path("store_user").asText();
            String path = f.path("path").asText();
            if (user.equals("SYSTEM") || !path.startsWith("IPM_SUBTREE/") || gone.test(user, path)) {
                continue;
            }
            long n = f.path("n_msgs_normal").asLong() + f.path("n_msgs_associated").asLong();
            if (n > 0) {
                expectedFolders.put(target(user) + "|" + path.substring("IPM_SUBTREE/".length()), n);
            }
        }
        assertEquals(expectedFolders, perFolder, which + ": messages per folder");

        Map<String, Map<String, Long>> expectedClasses = new TreeMap<>();
        java.util.Set<String> expectedBlobs = new java.util.TreeSet<>();
        for (JsonNode msg : manifest.path("db").path("messages")) {
            String user = msg.path("store_user").asText();
            if (user.equals("SYSTEM") || !msg.path("folder").asText().startsWith("IPM_SUBTREE/")
                    || (msg.path("flags").asInt() & 1024) != 0 || gone.test(user, msg.path("folder").asText())) {
                continue;
            }
            expectedClasses.computeIfAbsent(target(user), u -> new TreeMap<>())
                    .merge(msg.path("message_class").asText(), 1L, Long::sum);
            for (JsonNode att : msg.path("attachments")) {
                for (JsonNode inst : att.path("instances")) {
                    if (inst.hasNonNull("sha256")) {
                        expectedBlobs.add(inst.path("sha256").asText());
                    }
                }
            }
        }
        assertEquals(expectedClasses, classes, which + ": message classes per mailbox");
        assertTrue(blobs.containsAll(expectedBlobs), which + ": attachment SHA-256s missing on the server: "
                + expectedBlobs.stream().filter(b -> !blobs.contains(b)).toList());
        for (String b : blobs) {
            assertNotNull(imp.store.blobSize(b), which + ": blob " + b + " referenced but not stored");
        }
    }

    static void collect(List<AttachmentItem> atts, java.util.Set<String> out) {
        for (AttachmentItem a : atts) {
            if (a.blob() != null) {
                out.add(a.blob().sha256());
            }
            if (a.embedded() != null) {
                collect(a.embedded().attachments(), out);
            }
        }
    }
}
