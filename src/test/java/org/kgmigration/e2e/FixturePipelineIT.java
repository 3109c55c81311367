package org.kgmigration.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kgmigration.api.AttachmentItem;
import org.kgmigration.api.EmbeddedMessage;
import org.kgmigration.api.MessageItem;
import org.kgmigration.api.Property;
import org.kgmigration.fixture.FixtureManifest;
import org.kgmigration.fixture.KopanoFixture;
import org.kgmigration.fixture.ManifestProps;
import org.kgmigration.fixture.SizeDistribution;
import org.kgmigration.fixture.Storage;
import org.kgmigration.importer.MessageClassWhitelist;
import org.kgmigration.importer.TestPki;
import org.kgmigration.migrate.ImporterFixture;
import org.kgmigration.migrate.PayloadMapper;
import org.kgmigration.migrate.StoreCompare;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.PropType;
import org.kgmigration.testsupport.Programs;
import org.kgmigration.testsupport.TestDatabase;

/**
 * The whole system on generated Kopano databases (schema revision 63 and 118, every attachment
 * storage): kgdump --output, migrate --input into the real importer over HTTPS, then the
 * importer's mailboxes against the fixture manifest (folders, message counts per folder, classes,
 * property digests, recipients, attachment bytes, embedded messages) and against the dump property
 * by property. The differences allowed are the documented, counted skips (folders outside the IPM
 * subtree, soft-deleted items, search folders).
 */
class FixturePipelineIT {
    @TempDir
    static Path shared;
    static TestPki pki;
    @TempDir
    Path tmp;
    static final String DOMAIN = "example.org";
    /**
     * The manifest keeps the identity properties apart (PR_ENTRYID, PR_SOURCE_KEY) and lists stored
     * rows only; the dump carries the computed properties docs/kgdump.md lists (PR_OBJECT_TYPE,
     * PR_ATTACH_NUM, a recipient's PR_ROWID when it has none stored) and a recipient's stored
     * PR_EC_CONTACT_ENTRYID as PR_ENTRYID, as Kopano's client shows it.
     */
    enum Kind { MESSAGE, RECIPIENT, ATTACHMENT }

    static final int PR_OBJECT_TYPE = 0x0FFE0003;
    static final int PR_ENTRYID = 0x0FFF0102;
    static final int PR_SOURCE_KEY = 0x65E00102;
    static final int PR_ATTACH_NUM = 0x0E210003;
    static final int PR_ROWID = 0x30000003;
    static final int PR_EC_CONTACT_ENTRYID = 0x67100102;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(shared.resolve("pki"));
    }

    static String target(FixtureManifest.Store s) {
        if (s.type() == 1) {
            return "public@" + DOMAIN;
        }
        String login = s.owner() != null && s.owner().login() != null ? s.owner().login() : s.userName();
        return (login.contains("@") ? login : login + "@" + DOMAIN).toLowerCase(Locale.ROOT);
    }

    @ParameterizedTest(name = "revision {0}, {1}")
    @CsvSource({"118, FILES_V2", "118, DATABASE", "118, FILES", "63, DATABASE", "63, FILES"})
    void a_generated_kopano_database_arrives_as_the_manifest_says(int revision, Storage storage) throws Exception {
        try (TestDatabase db = TestDatabase.create("e2efx" + revision + storage.name().toLowerCase(Locale.ROOT));
             ImporterFixture imp = ImporterFixture.start(tmp.resolve("imp"), pki, null)) {
            Path att = tmp.resolve("att");
            FixtureManifest m = KopanoFixture.builder().seed(11).revision(revision).storage(storage)
                    .attachmentsDir(att).scale(2, 6, 0.5, SizeDistribution.uniform(1, 300_000)).build(db);
            Map<String, String> upnByStore = new HashMap<>();
            for (FixtureManifest.Store s : m.stores()) {
                if (!s.kind().equals("system")) {
                    upnByStore.put(s.guid(), target(s));
                }
            }
            new HashSet<>(upnByStore.values()).forEach(u -> imp.addUser(u, false));

            Path dump = tmp.resolve("fixture.d1");
            Programs.Result k = Programs.program("kgdump", "dump", "--output=" + dump, "--db-host", TestDatabase.host(),
                    "--db-port", Integer.toString(TestDatabase.port()), "--db-user", TestDatabase.user(), "--db-name",
                    db.name(), "--attachments-dir", att.toString())
                    .env("KGDUMP_DB_PASSWORD", TestDatabase.password()).cwd(tmp).go();
            assertTrue(k.exitCode() == 0 || k.exitCode() == 3, k.stderr());
            Programs.Result r = Programs.program("migrate", "import", "--input=" + dump, "--ca-file=" + pki.caCert,
                    "--default-domain=" + DOMAIN, "--map=public=public@" + DOMAIN, "--report=" + tmp.resolve("r.json"))
                    .env("IMPORTER_IMPORT_URL", imp.url()).cwd(tmp).go();
            assertEquals(3, r.exitCode(), "skips only (non-IPM folders, missing attachment data): " + r.stderr());
            JsonNode report = new ObjectMapper().readTree(tmp.resolve("r.json").toFile());
            for (JsonNode s : report.get("stores")) {
                assertEquals("imported", s.get("status").asText(), s.toString());
                assertEquals(0, s.get("failed").asInt(), s.toString());
            }

            // the folders inside the IPM subtree, not soft-deleted, not search folders: these are imported
            Map<String, FixtureManifest.Folder> bySource = new HashMap<>();
            m.folders().forEach(f -> bySource.put(f.storeGuid() + "/" + f.sourceKey(), f));
            Set<String> ipm = new HashSet<>();
            for (FixtureManifest.Folder f : m.folders()) {
                if (inIpm(f, bySource) && !f.softDeleted() && !f.underSoftDeleted() && !f.search()) {
                    ipm.add(f.storeGuid() + "/" + f.sourceKey());
                }
            }

            // lossless from dump to mailbox, property by property
            // (messages of classes the importer does not store are skipped by the client and counted)
            MessageClassWhitelist classes = MessageClassWhitelist.defaults();
            StoreCompare c = new StoreCompare(imp.store, upnByStore)
                    .run(dump, x -> ipm.contains(x.storeGuid() + "/" + x.folderId())
                            && classes.allows(PayloadMapper.string(x.message().props(), PayloadMapper.PR_MESSAGE_CLASS)));
            assertEquals(List.of(), c.differences(), () -> r.stderr().lines()
                    .filter(l -> c.differences().stream().anyMatch(d -> l.contains(d.split(" ")[3]))).toList() + " "
                    + report.toString());

            // against the manifest
            List<String> diffs = new ArrayList<>();
            List<String> skippedByClass = new ArrayList<>();
            Map<String, Long> perFolder = new TreeMap<>();
            Map<String, Long> expected = new TreeMap<>();
            for (FixtureManifest.Folder f : m.folders()) {
                if (ipm.contains(f.storeGuid() + "/" + f.sourceKey()) && f.counts() != null
                        && f.counts().normal() + f.counts().assoc() > 0) {
                    expected.put(f.storeGuid() + "/" + f.path(), (long) f.counts().normal() + f.counts().assoc());
                }
            }
            m.forEachMessage(msg -> {
                String upn = upnByStore.get(msg.storeGuid());
                if (upn == null || msg.softDeleted() || msg.underSoftDeleted()
                        || !ipm.contains(msg.storeGuid() + "/" + msg.folderSourceKey())) {
                    return;
                }
                if (!classes.allows(msg.messageClass())) {
                    FixtureManifest.Folder f = bySource.get(msg.storeGuid() + "/" + msg.folderSourceKey());
                    expected.merge(msg.storeGuid() + "/" + f.path(), -1L, Long::sum);
                    skippedByClass.add(msg.messageClass());
                    return;
                }
                MessageItem got = imp.store.readMessage(upn, msg.storeGuid().toUpperCase(Locale.ROOT),
                        msg.sourceKey().toUpperCase(Locale.ROOT));
                String where = upn + " " + msg.sourceKey();
                if (got == null) {
                    diffs.add(where + ": missing");
                    return;
                }
                FixtureManifest.Folder f = bySource.get(msg.storeGuid() + "/" + got.folder().toLowerCase(Locale.ROOT));
                perFolder.merge(msg.storeGuid() + "/" + (f == null ? "?" + got.folder() : f.path()), 1L, Long::sum);
                compareMessage(where, msg, got.messageClass(), got.properties(), got.recipients(), got.attachments(), diffs);
            });
            expected.values().removeIf(v -> v == 0);
            assertEquals(expected, perFolder, "messages per folder");
            long skippedInReport = 0;
            for (JsonNode st : report.get("stores")) {
                for (var e : st.get("skipped").properties()) {
                    if (e.getKey().startsWith("message class not whitelisted")) {
                        skippedInReport += e.getValue().asLong();
                    }
                }
            }
            assertEquals(skippedByClass.size(), skippedInReport, "class skips are counted: " + skippedByClass);
            assertEquals(List.of(), diffs.subList(0, Math.min(diffs.size(), 30)), diffs.size() + " differences");
            long onServer = 0;
            for (Map.Entry<String, String> e : upnByStore.entrySet()) {
                onServer += imp.store.messageCount(e.getValue(), e.getKey().toUpperCase(Locale.ROOT));
            }
            assertEquals(expected.values().stream().mapToLong(Long::longValue).sum(), onServer, "nothing else imported");
        }
    }

    static boolean inIpm(FixtureManifest.Folder f, Map<String, FixtureManifest.Folder> bySource) {
        FixtureManifest.Folder p = f.parentSourceKey() == null ? null : bySource.get(f.storeGuid() + "/" + f.parentSourceKey());
        while (p != null) {
            if ("ipm_subtree".equals(p.role())) {
                return true;
            }
            p = p.parentSourceKey() == null ? null : bySource.get(p.storeGuid() + "/" + p.parentSourceKey());
        }
        return false;
    }

    static void compareMessage(String where, FixtureManifest.Message want, String cls, List<Property> props,
            List<List<Property>> recips, List<AttachmentItem> atts, List<String> diffs) {
        if (!want.messageClass().equals(cls)) {
            diffs.add(where + ": class " + cls + " instead of " + want.messageClass());
        }
        if (!digest(props, Kind.MESSAGE, want.props()).equals(want.digest())) {
            diffs.add(where + ": property digest differs: " + diffOf(want.props(), props, Kind.MESSAGE));
        }
        if (want.recipients().size() != recips.size()) {
            diffs.add(where + ": " + recips.size() + " recipients instead of " + want.recipients().size());
        } else {
            for (int i = 0; i < recips.size(); i++) {
                List<FixtureManifest.Property> wr = want.recipients().get(i).props();
                if (!digest(recips.get(i), Kind.RECIPIENT, wr).equals(want.recipients().get(i).digest())) {
                    diffs.add(where + ": recipient " + i + " differs: " + diffOf(wr, recips.get(i), Kind.RECIPIENT));
                }
            }
        }
        if (want.attachments().size() != atts.size()) {
            diffs.add(where + ": " + atts.size() + " attachments instead of " + want.attachments().size());
            return;
        }
        for (int i = 0; i < atts.size(); i++) {
            FixtureManifest.Attachment wa = want.attachments().get(i);
            AttachmentItem ga = atts.get(i);
            String w = where + " attachment " + i;
            if (!digest(ga.properties(), Kind.ATTACHMENT, wa.props()).equals(wa.digest())) {
                diffs.add(w + ": property digest differs: " + diffOf(wa.props(), ga.properties(), Kind.ATTACHMENT));
            }
            if (wa.embedded() != null) {
                EmbeddedMessage e = ga.embedded();
                if (e == null) {
                    diffs.add(w + ": embedded message missing");
                } else {
                    compareMessage(w + " embedded", wa.embedded(), e.messageClass(), e.properties(), e.recipients(),
                            e.attachments(), diffs);
                }
            } else if (wa.data() != null && wa.data().missing()) {
                if (!ga.missing()) {
                    diffs.add(w + ": should be marked missing");
                }
            } else if (wa.data() != null && wa.data().size() != null && wa.data().size() > 0) {
                if (ga.blob() == null || !ga.blob().sha256().equals(wa.data().sha256())
                        || ga.blob().size() != wa.data().size()) {
                    diffs.add(w + ": data " + ga.blob() + " instead of " + wa.data().sha256() + "/" + wa.data().size());
                }
            }
        }
    }

    /** The manifest's digest of wire properties, normalised as {@link Kind} says. */
    static String digest(List<Property> props, Kind kind, List<FixtureManifest.Property> want) {
        return ManifestProps.digest(manifestProps(props, kind, want));
    }

    static List<FixtureManifest.Property> manifestProps(List<Property> props, Kind kind,
            List<FixtureManifest.Property> want) {
        boolean rowIdStored = want.stream().anyMatch(w -> w.tag().equalsIgnoreCase("30000003"));
        List<FixtureManifest.Property> out = new ArrayList<>();
        for (Property p0 : props) {
            Property p = p0;
            Prop d = StoreCompare.decode(p);
            if (d.tag() == PR_OBJECT_TYPE || (kind == Kind.MESSAGE && (d.tag() == PR_ENTRYID || d.tag() == PR_SOURCE_KEY))
                    || (kind == Kind.ATTACHMENT && d.tag() == PR_ATTACH_NUM)
                    || (kind == Kind.RECIPIENT && d.tag() == PR_ROWID && !rowIdStored)) {
                continue;
            }
            if (kind == Kind.RECIPIENT && d.tag() == PR_ENTRYID) {
                p = new Property("0x67100102", p.type(), p.value(), null);
                d = new Prop(PR_EC_CONTACT_ENTRYID, d.value(), null);
            }
            FixtureManifest.Name n = p.name() == null ? null
                    : new FixtureManifest.Name(p.name().guid().replace("{", "").replace("}", "").toLowerCase(Locale.ROOT),
                            p.name().lid(), p.name().name());
            out.add(new FixtureManifest.Property(p.tag().substring(2), p.type(), null, value(d.type(), d.value()), n));
        }
        return out;
    }

    static JsonNode value(int type, Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (PropType.isMulti(type)) {
            ArrayNode a = f.arrayNode();
            for (Object e : (List<?>) v) {
                a.add(value(PropType.base(type), e));
            }
            return a;
        }
        return switch (type) {
            case PropType.PT_SHORT, PropType.PT_LONG, PropType.PT_ERROR -> f.numberNode((Integer) v);
            case PropType.PT_FLOAT -> f.numberNode(Double.parseDouble(Float.toString((Float) v)));
            case PropType.PT_DOUBLE, PropType.PT_APPTIME -> f.numberNode((Double) v);
            case PropType.PT_CURRENCY, PropType.PT_I8, PropType.PT_SYSTIME -> {
                long l = (Long) v;
                yield l == (int) l ? f.numberNode((int) l) : f.numberNode(l);
            }
            case PropType.PT_BOOLEAN -> f.booleanNode((Boolean) v);
            case PropType.PT_STRING8, PropType.PT_UNICODE -> f.textNode((String) v);
            default -> f.textNode(HexFormat.of().formatHex((byte[]) v));
        };
    }

    static String diffOf(List<FixtureManifest.Property> want, List<Property> got, Kind kind) {
        Map<String, String> w = new TreeMap<>();
        for (FixtureManifest.Property p : want) {
            w.put(ManifestProps.key(p) + "/" + p.type(), String.valueOf(p.value()));
        }
        Map<String, String> g = new TreeMap<>();
        for (FixtureManifest.Property p : manifestProps(got, kind, want)) {
            g.put(ManifestProps.key(p) + "/" + p.type(), String.valueOf(p.value()));
        }
        List<String> out = new ArrayList<>();
        for (String k : w.keySet()) {
            if (!g.containsKey(k)) {
                out.add("-" + k);
            } else if (!g.get(k).equals(w.get(k))) {
                out.add("~" + k + " " + abbreviate(w.get(k)) + " -> " + abbreviate(g.get(k)));
            }
        }
        for (String k : g.keySet()) {
            if (!w.containsKey(k)) {
                out.add("+" + k);
            }
        }
        return String.join(", ", out);
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
