package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.StoreSelector;
import org.kgmigration.testsupport.RealDataset;
import org.kgmigration.testsupport.TestDatabase;

/**
 * Dumps each real Kopano 11 dataset and compares the result with its answer keys: manifest.json
 * (what the database holds and what Kopano listed) and mapi-props.jsonl (every property of every
 * object as Kopano presents it over MAPI).
 */
class RealDataDumpTest {
    private static final Map<String, DumpTree> DEFAULT_DUMPS = new HashMap<>();

    static synchronized DumpTree defaultDump(String name) throws Exception {
        DumpTree t = DEFAULT_DUMPS.get(name);
        if (t == null) {
            t = Dumps.dump(Dumps.dataset(name), DumpOptions.defaults());
            DEFAULT_DUMPS.put(name, t);
        }
        return t;
    }

    /** mapi-props: hierarchy id → source key (lowercase hex) of folders and messages. */
    static Map<Long, String> sourceKeys(RealDataset ds) {
        Map<Long, String> m = new HashMap<>();
        for (JsonNode r : ds.mapiProps()) {
            if (!r.path("source_key").isNull() && r.has("hierarchy_id")) {
                m.put(r.path("hierarchy_id").asLong(), r.path("source_key").asText().toLowerCase(Locale.ROOT));
            }
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void header_and_schema_match_the_database(String name) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        DumpTree t = defaultDump(name);
        String serverGuid = null;
        for (JsonNode kv : ds.manifest().path("db").path("settings")) {
            if (kv.get(0).asText().equals("server_guid")) {
                serverGuid = kv.get(1).asText();
            }
        }
        assertEquals(serverGuid, t.header.sourceServerGuid());
        assertEquals(118, t.header.schemaRevision());
        assertEquals(ds.manifest().path("server_settings").path("attachment_storage").asText(), t.header.attachmentStorage());
        assertEquals("kgdump", t.header.tool());
        assertNotNull(t.trailer);
        assertEquals(t.records - 1, t.trailer.records());
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void stores_and_owners_match_the_manifest(String name) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        DumpTree t = defaultDump(name);
        JsonNode view = ds.manifest().path("kopano_view");
        // every store but SYSTEM, each once
        Set<String> expected = new HashSet<>();
        for (JsonNode s : ds.manifest().path("db").path("stores")) {
            if (s.path("user_id").asInt() != 2) {
                expected.add(s.path("guid").asText().toLowerCase(Locale.ROOT));
            }
        }
        Set<String> got = new HashSet<>();
        t.stores.forEach(s -> got.add(s.rec.guid()));
        assertEquals(expected, got);
        for (var e : view.properties()) {
            JsonNode v = e.getValue();
            DumpTree.StoreT s = t.store(v.path("guid").asText());
            assertNotNull(s, e.getKey());
            DumpRecord.Owner o = s.rec.owner();
            if (e.getKey().equals("public")) {
                assertEquals("public", s.rec.type());
                assertEquals(1, o.userId());
                continue;
            }
            JsonNode u = v.path("user");
            assertEquals("private", s.rec.type());
            assertEquals(u.path("name").asText(), o.loginName(), e.getKey());
            assertEquals(u.path("email").asText(), o.email());
            assertEquals(u.path("fullname").asText(), o.fullName());
            assertEquals(u.path("active").asBoolean(), o.active());
            assertNotNull(o.externId());
            assertEquals(32, o.externId().length());
        }
        for (JsonNode s : ds.manifest().path("db").path("stores")) {
            DumpTree.StoreT st = t.store(s.path("guid").asText());
            if (st != null) {
                assertEquals(s.path("user_name").asText(), st.rec.owner().lastOwnerName());
                assertEquals(s.path("user_id").asInt(), st.rec.owner().userId());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void folder_message_counts_are_what_kopano_reported(String name) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        DumpTree t = defaultDump(name);
        Map<Long, String> sk = sourceKeys(ds);
        Map<String, DumpTree.FolderT> byId = new HashMap<>();
        t.stores.forEach(s -> s.folders.forEach(f -> byId.put(f.rec.id(), f)));
        int rows = 0;
        for (JsonNode row : ds.manifest().path("kopano_view_vs_db")) {
            DumpTree.FolderT f = byId.get(sk.get(row.path("db_folder_id").asLong()));
            assertNotNull(f, row.toString());
            assertEquals(row.path("kopano_count").asLong(), f.end.messages(), row.toString());
            assertEquals(row.path("kopano_assoc").asLong(), f.end.associated(), row.toString());
            assertEquals(f.end.messages(), f.messages.stream().filter(m -> !m.rec.associated()).count());
            assertEquals(row.path("kopano_deleted").asLong() == 0 ? 0 : row.path("kopano_deleted").asLong(),
                    row.path("db_softdel").asLong());
            rows++;
        }
        assertTrue(rows > 40, "rows " + rows);
        // the folder set equals what Kopano lists over MAPI (root folders included, search folders not)
        Set<String> mapiFolders = new HashSet<>();
        for (JsonNode r : ds.mapiProps()) {
            if (r.path("kind").asText().equals("folder")) {
                mapiFolders.add(r.path("source_key").asText().toLowerCase(Locale.ROOT));
            }
        }
        assertEquals(mapiFolders, byId.keySet());
        long totalFolders = t.stores.stream().mapToLong(s -> s.folders.size()).sum();
        assertEquals(totalFolders, t.trailer.total().folders());
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void message_classes_match_the_manifest(String name) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        DumpTree t = defaultDump(name);
        Set<String> deletedFolders = new HashSet<>();
        for (JsonNode f : ds.manifest().path("db").path("folders")) {
            if ((f.path("flags").asInt() & 0x400) != 0) {
                deletedFolders.add(f.path("store_user").asText() + "|" + f.path("path").asText());
            }
        }
        Map<String, Integer> expected = new TreeMap<>();
        for (JsonNode m : ds.manifest().path("db").path("messages")) {
            String folder = m.path("store_user").asText() + "|" + m.path("folder").asText();
            boolean inDeleted = deletedFolders.stream().anyMatch(d -> folder.equals(d) || folder.startsWith(d + "/"));
            if ((m.path("flags").asInt() & 0x400) == 0 && !inDeleted) {
                expected.merge(m.path("message_class").asText(), 1, Integer::sum);
            }
        }
        Map<String, Integer> got = new TreeMap<>();
        for (DumpTree.MsgT m : t.allTopMessages()) {
            got.merge((String) m.prop(0x001A001F).value(), 1, Integer::sum);
        }
        assertEquals(expected, got);
        long live = expected.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(live, t.trailer.total().messages() + t.trailer.total().associated());
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void every_attachment_has_the_manifest_size_and_sha256(String name) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        DumpTree t = defaultDump(name);
        Map<Long, String> sk = sourceKeys(ds);
        Map<String, DumpTree.MsgT> byId = new HashMap<>();
        t.allTopMessages().forEach(m -> byId.put(m.rec.id(), m));
        int checked = 0;
        for (JsonNode m : ds.manifest().path("db").path("messages")) {
            DumpTree.MsgT dm = byId.get(sk.get(m.path("id").asLong()));
            if (dm == null) {
                continue; // soft-deleted: not dumped by default
            }
            checked += compareAttachments(m, dm);
        }
        int expected = 0;
        for (JsonNode m : ds.manifest().path("spec")) {
            for (JsonNode db : m.path("db")) {
                expected += countInstances(db);
            }
        }
        assertTrue(checked >= 10, "checked " + checked);
        assertEquals(expected, checked);
        long bytes = 0;
        long n = 0;
        for (DumpTree.MsgT m : t.allTopMessages()) {
            for (DumpTree.AttT a : all(m)) {
                bytes += a.size;
                n++;
                assertFalse(a.end.missing(), "no attachment is missing");
            }
        }
        assertEquals(bytes, t.trailer.total().attachmentBytes());
        assertEquals(n, t.trailer.total().attachments());
        assertEquals(0, t.trailer.total().missingAttachments());
        assertTrue(t.maxChunk <= org.kgmigration.stream.DumpFormat.MAX_CHUNK);
    }

    private static int countInstances(JsonNode dbMessage) {
        int n = 0;
        for (JsonNode a : dbMessage.path("attachments")) {
            n += a.path("instances").size();
            if (a.has("embedded") && !a.path("embedded").isNull()) {
                n += countInstances(a.path("embedded"));
            }
        }
        return n;
    }

    private static List<DumpTree.AttT> all(DumpTree.MsgT m) {
        List<DumpTree.AttT> out = new ArrayList<>();
        for (DumpTree.AttT a : m.attachments) {
            out.add(a);
            if (a.embedded != null) {
                out.addAll(all(a.embedded));
            }
        }
        return out;
    }

    /** Attachments of a manifest message (in hierarchy-id order = PR_ATTACH_NUM order) against the dump. */
    private static int compareAttachments(JsonNode m, DumpTree.MsgT dm) {
        List<JsonNode> atts = new ArrayList<>();
        m.path("attachments").forEach(atts::add);
        atts.sort((a, b) -> Long.compare(a.path("id").asLong(), b.path("id").asLong()));
        assertEquals(atts.size(), dm.attachments.size(), "attachments of " + m.path("subject"));
        int n = 0;
        for (int i = 0; i < atts.size(); i++) {
            JsonNode a = atts.get(i);
            DumpTree.AttT da = dm.attachments.get(i);
            assertEquals(a.path("attach_method").asInt(), (Integer) DumpTree.find(da.rec.props(), 0x37050003).value());
            for (JsonNode inst : a.path("instances")) {
                assertEquals(inst.path("size").asLong(), da.size, "size of " + a);
                assertEquals(inst.path("sha256").asText(), da.sha256, "sha256 of " + a);
                assertEquals(da.size, da.end.size());
                n++;
            }
            if (a.has("embedded") && !a.path("embedded").isNull()) {
                assertNotNull(da.embedded, "embedded message of " + a);
                Prop subject = da.embedded.prop(0x0037001F);
                assertEquals(a.path("embedded").path("subject").textValue(), subject == null ? null : subject.value());
                n += compareAttachments(a.path("embedded"), da.embedded);
            } else {
                assertNull(da.embedded);
            }
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void every_property_matches_what_kopano_presents_over_mapi(String name) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        DumpTree t = defaultDump(name);
        MapiCompare c = new MapiCompare(t);
        int objects = c.compareAll(ds.mapiProps());
        assertEquals(ds.mapiProps().size(), objects + c.differences.stream()
                .filter(d -> d.contains("not in the dump")).count());
        assertTrue(c.differences.isEmpty(), c.differences.size() + " differences, e.g.\n"
                + String.join("\n", c.differences.subList(0, Math.min(60, c.differences.size()))));
        // the comparison really covered each kind of property
        for (String k : List.of("store properties", "store indexedproperties", "folder properties",
                "folder indexedproperties", "message properties", "message indexedproperties", "recipient properties",
                "attachment properties", "embedded properties", "attachment data", "recipient computed 0FFF0102",
                "recipient computed 0FFE0003", "attachment computed 0E210003", "message computed 0FFE0003")) {
            assertTrue(c.compared.getOrDefault(k, 0) > 0, k + " compared: " + c.compared);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void special_folders_are_found_by_entry_id(String name) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        DumpTree t = defaultDump(name);
        Map<String, String> roleName = Map.of("inbox", "inbox", "outbox", "outbox", "sentmail", "sent",
                "wastebasket", "deleted", "drafts", "drafts", "calendar", "calendar", "contacts", "contacts",
                "tasks", "tasks", "notes", "notes", "journal", "journal");
        int checked = 0;
        for (var e : ds.manifest().path("kopano_view").properties()) {
            JsonNode special = e.getValue().path("special_folders");
            DumpTree.StoreT s = t.store(e.getValue().path("guid").asText());
            for (var sf : special.properties()) {
                String role = sf.getKey().equals("junk") ? "junk" : roleName.get(sf.getKey());
                assertNotNull(role, sf.getKey());
                String id = s.rec.specialFolders().get(role);
                assertNotNull(id, e.getKey() + " " + role);
                DumpTree.FolderT f = s.folders.stream().filter(x -> x.rec.id().equals(id)).findFirst().orElseThrow();
                assertEquals(sf.getValue().asText(), f.name(), role);
                assertEquals(role, f.rec.role());
                checked++;
            }
            if (!e.getKey().equals("public")) {
                assertEquals("root", s.folders.get(0).rec.role());
                assertNotNull(s.rec.specialFolders().get("ipm_subtree"));
                assertFalse(s.rec.receiveFolders().isEmpty());
                assertEquals(s.rec.specialFolders().get("inbox"), s.rec.receiveFolders().stream()
                        .filter(r -> r.messageClass().equals("IPM")).findFirst().orElseThrow().folderId());
            }
        }
        assertTrue(checked >= 20);
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void permissions_and_receive_folders_match_the_database(String name) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        DumpTree t = defaultDump(name);
        Map<Long, String> sk = sourceKeys(ds);
        Map<Long, String> storeByHid = new HashMap<>();
        for (JsonNode s : ds.manifest().path("db").path("stores")) {
            storeByHid.put(s.path("hierarchy_id").asLong(), s.path("guid").asText().toLowerCase(Locale.ROOT));
        }
        Map<String, List<DumpRecord.Acl>> aclById = new HashMap<>();
        for (DumpTree.StoreT s : t.stores) {
            aclById.put(s.rec.guid(), s.rec.acl());
            s.folders.forEach(f -> aclById.put(f.rec.id(), f.rec.acl()));
        }
        int checked = 0;
        int expectedRows = 0;
        for (JsonNode row : ds.manifest().path("db").path("acl")) {
            long hid = row.get(1).asLong();
            String id = storeByHid.containsKey(hid) ? storeByHid.get(hid) : sk.get(hid);
            List<DumpRecord.Acl> acl = aclById.get(id);
            if (acl == null) {
                continue; // SYSTEM store or a folder that is not dumped
            }
            expectedRows++;
            boolean found = acl.stream().anyMatch(a -> a.userId() == row.get(0).asInt() && a.type() == row.get(2).asInt()
                    && a.rights() == row.get(3).asLong());
            assertTrue(found, "acl row " + row + " in " + acl);
            checked++;
        }
        long dumped = aclById.values().stream().mapToLong(List::size).sum();
        assertEquals(expectedRows, dumped);
        assertTrue(checked > 5);
        // the grantee of EVERYONE rows is 'everyone'
        assertTrue(aclById.values().stream().flatMap(List::stream).filter(a -> a.userId() == 1)
                .allMatch(a -> "everyone".equals(a.principal())));
        for (JsonNode row : ds.manifest().path("db").path("receivefolder")) {
            DumpTree.StoreT s = t.store(storeByHid.get(row.get(1).asLong()));
            if (s == null) {
                continue;
            }
            String folder = sk.get(row.get(2).asLong());
            assertTrue(s.rec.receiveFolders().contains(new DumpRecord.ReceiveFolder(row.get(3).asText(), folder)),
                    row + " in " + s.rec.receiveFolders());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void soft_deleted_items_are_skipped_and_counted_or_exported_marked(String name) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        DumpTree def = defaultDump(name);
        long deletedMsgs = 0;
        Set<String> deletedFolderPaths = new HashSet<>();
        for (JsonNode f : ds.manifest().path("db").path("folders")) {
            if ((f.path("flags").asInt() & 0x400) != 0) {
                deletedFolderPaths.add(f.path("store_user").asText() + "|" + f.path("path").asText());
            }
        }
        long inDeletedFolders = 0;
        long deletedFolders = 0;
        for (JsonNode f : ds.manifest().path("db").path("folders")) {
            String p = f.path("store_user").asText() + "|" + f.path("path").asText();
            if (deletedFolderPaths.stream().anyMatch(d -> p.equals(d) || p.startsWith(d + "/"))) {
                deletedFolders++;
                inDeletedFolders += f.path("n_msgs_normal").asLong() + f.path("n_msgs_associated").asLong()
                        + f.path("n_msgs_softdeleted").asLong();
            } else {
                deletedMsgs += f.path("n_msgs_softdeleted").asLong();
            }
        }
        Map<String, Long> skipped = def.trailer.total().skipped();
        assertEquals(deletedMsgs, skipped.getOrDefault(Tally.SOFT_DELETED_MESSAGE, 0L));
        assertEquals(deletedFolders, skipped.getOrDefault(Tally.SOFT_DELETED_FOLDER, 0L));
        assertEquals(inDeletedFolders, skipped.getOrDefault(Tally.MESSAGE_IN_DELETED_FOLDER, 0L));
        assertTrue(deletedMsgs > 0);
        assertFalse(Tally.hasProblems(def.trailer.total()), def.trailer.total().toString());
        assertTrue(def.allTopMessages().stream().noneMatch(m -> m.rec.deleted()));

        DumpTree inc = Dumps.dump(ds, DumpOptions.defaults().withSoftDeleted(true));
        Map<String, Long> incSkipped = inc.trailer.total().skipped();
        assertFalse(incSkipped.containsKey(Tally.SOFT_DELETED_MESSAGE));
        assertFalse(incSkipped.containsKey(Tally.SOFT_DELETED_FOLDER));
        long marked = inc.allTopMessages().stream().filter(m -> m.rec.deleted()).count();
        assertEquals(deletedMsgs + inDeletedFolders, marked);
        long markedFolders = inc.stores.stream().flatMap(s -> s.folders.stream()).filter(f -> f.rec.deleted()).count();
        assertEquals(deletedFolders, markedFolders);
        // a folder below a soft-deleted folder is deleted too, and so is everything in it
        for (DumpTree.StoreT s : inc.stores) {
            for (DumpTree.FolderT f : s.folders) {
                if (f.parent != null && f.parent.rec.deleted()) {
                    assertTrue(f.rec.deleted(), f.path());
                }
                if (f.rec.deleted()) {
                    assertTrue(f.messages.stream().allMatch(m -> m.rec.deleted()), f.path());
                }
            }
        }
        // Kopano's soft-delete bit does not leak into PR_MESSAGE_FLAGS
        for (DumpTree.MsgT m : inc.allTopMessages()) {
            Prop flags = m.prop(0x0E070003);
            assertTrue(flags == null || ((Integer) flags.value() & 0x400) == 0, m.rec.id());
        }
        assertEquals(def.trailer.total().messages() + def.trailer.total().associated() + marked,
                inc.trailer.total().messages() + inc.trailer.total().associated());
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void tiny_pages_and_batches_give_the_same_dump(String name) throws Exception {
        DumpTree def = defaultDump(name);
        DumpTree tiny = Dumps.dump(Dumps.dataset(name), DumpOptions.defaults().withBatches(2, 1, 1));
        assertEquals(def.digest(), tiny.digest());
        DumpTree mid = Dumps.dump(Dumps.dataset(name), DumpOptions.defaults().withBatches(3, 50_000, 2));
        assertEquals(def.digest(), mid.digest());
    }

    /**
     * The read-ahead (the next batch's statements run while a batch is written) and the lob table
     * as the fallback for missing files share the connection: the database-lob dataset read as
     * files_v2 from an empty directory makes every attachment fall back to the lob table while the
     * next batch is read ahead. The dump must be the same as the plain one.
     */
    @Test
    void lob_fallback_during_the_read_ahead_gives_the_same_dump(@TempDir Path empty)
            throws Exception {
        DumpTree def = defaultDump(RealDataset.DATABASE_LOB);
        RealDataset ds = Dumps.dataset(RealDataset.DATABASE_LOB);
        SourceConfig asFiles = new SourceConfig(TestDatabase.host(), TestDatabase.port(), null, ds.db().name(),
                TestDatabase.user(), TestDatabase.password(), empty, SourceConfig.Storage.FILES_V2, null, null, null);
        DumpTree tiny = Dumps.dump(asFiles, DumpOptions.defaults().withBatches(2, 1, 1), StoreSelector.all());
        assertTrue(def.trailer.total().attachments() > 5, "the dataset has attachments");
        assertEquals(def.digest(), tiny.digest());
    }

    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void concurrency_4_gives_the_same_dump_and_at_most_3_spools_at_once(String name) throws Exception {
        DumpTree def = defaultDump(name);
        RealDataset ds = Dumps.dataset(name);
        KopanoSource src = KopanoSource.open(Dumps.config(ds), true);
        DumpTree tree = new DumpTree();
        MemorySpool spool = new MemorySpool(tree);
        KopanoDump d = new KopanoDump(src, DumpOptions.defaults().withConcurrency(4), StoreSelector.all(), tree, spool,
                null, DumpListener.NONE, "test");
        d.prepare();
        d.begin();
        for (StoreInfo s : d.stores()) {
            d.dumpStore(s);
        }
        d.finish();
        java.nio.file.Path dir = d.spoolDirectory();
        assertNotNull(dir);
        d.cleanup();
        assertFalse(java.nio.file.Files.exists(dir));
        assertEquals(def.digest(), tree.digest());
        // the folder next in line writes straight into the output: at most N - 1 spools at once, and
        // the first folder of each store never spools
        assertTrue(spool.maxLive.get() <= 3, "spools at once: " + spool.maxLive.get());
        assertTrue(spool.created.size() > 10);
        int folders = tree.stores.stream().mapToInt(st -> st.folders.size()).sum();
        assertTrue(spool.created.size() <= folders - tree.stores.size(),
                spool.created.size() + " spool files for " + folders + " folders in " + tree.stores.size() + " stores");
        assertTrue(spool.created.stream().noneMatch(java.nio.file.Files::exists), "spool files removed");
    }
}
