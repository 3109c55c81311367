package org.kgmigration.kopano;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.kgmigration.fixture.FixtureManifest;
import org.kgmigration.fixture.ManifestProps;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.PropType;

/**
 * Compares a dump (read back into a {@link DumpTree}) with the manifest of the {@code KopanoFixture}
 * that made the database (docs/fixtures.md), in both directions: every store, folder, message,
 * property (tag, type, name and value), recipient, attachment (properties, size and SHA-256 of the
 * Data chunks, missing flag) and embedded message of the manifest that the run should export is in
 * the dump, at the same place, and the dump holds nothing else. Totals of FolderEnd, StoreEnd and
 * Trailer are recomputed from the manifest.
 *
 * <p>The only things the dump may have that the manifest does not, or lack that the manifest has,
 * are the ones docs/kgdump.md names; each occurrence is counted in {@link #documented} under one of
 * {@link #DOCUMENTED}, so that a test can check how often each happened. Anything else is a
 * {@link #differences difference}.
 */
final class ManifestCompare {
    static final int PR_OBJECT_TYPE = 0x0FFE0003;
    static final int PR_ENTRYID = 0x0FFF0102;
    static final int PR_SOURCE_KEY = 0x65E00102;
    static final int PR_ROWID = 0x30000003;
    static final int PR_ATTACH_NUM = 0x0E210003;
    static final int PR_MESSAGE_FLAGS = 0x0E070003;
    static final int PR_EC_CONTACT_ENTRYID = 0x67100102;
    static final int PR_DISPLAY_NAME = 0x3001001F;

    /** Documented computed properties and differences (docs/kgdump.md), the keys of {@link #documented}. */
    static final String OBJECT_TYPE = "computed PR_OBJECT_TYPE";
    static final String RECIPIENT_ENTRYID = "recipient PR_ENTRYID = stored PR_EC_CONTACT_ENTRYID";
    static final String ROWID_NUMBERED = "recipient PR_ROWID numbered by position";
    static final String ATTACH_NUM = "computed PR_ATTACH_NUM";
    static final String IMAP_EMAIL = "PR_EC_IMAP_EMAIL not exported";
    static final String SOFT_DELETE_BIT = "soft-delete bit cleared from PR_MESSAGE_FLAGS";
    static final String GRANTEE_KEYWORD = "ACL grantee Everyone/SYSTEM as keyword everyone/system";
    static final Set<String> DOCUMENTED = Set.of(OBJECT_TYPE, RECIPIENT_ENTRYID, ROWID_NUMBERED, ATTACH_NUM, IMAP_EMAIL,
            SOFT_DELETE_BIT, GRANTEE_KEYWORD);

    /**
     * Manifest role names → kgdump role names. The same folders, found the same way (entry ids on the
     * store, root folder and Inbox); only the spelling of a few names differs between the two.
     */
    static final Map<String, String> ROLE = Map.ofEntries(
            Map.entry("root", "root"), Map.entry("ipm_subtree", "ipm_subtree"), Map.entry("inbox", "inbox"),
            Map.entry("outbox", "outbox"), Map.entry("deleted", "deleted"), Map.entry("sent", "sent"),
            Map.entry("contacts", "contacts"), Map.entry("calendar", "calendar"), Map.entry("drafts", "drafts"),
            Map.entry("journal", "journal"), Map.entry("notes", "notes"), Map.entry("tasks", "tasks"),
            Map.entry("junk", "junk"), Map.entry("rss", "rss_feeds"),
            Map.entry("conversation_actions", "conversation_action_settings"),
            Map.entry("quick_steps", "quick_step_settings"), Map.entry("suggested_contacts", "suggested_contacts"),
            Map.entry("common_views", "common_views"), Map.entry("views", "views"), Map.entry("finder", "finder"),
            Map.entry("shortcut", "shortcuts"), Map.entry("schedule", "schedule"), Map.entry("freebusy", "freebusy_data"),
            Map.entry("non_ipm_subtree", "non_ipm_subtree"), Map.entry("splus_free_busy", "free_busy"),
            Map.entry("free_busy_local_site", "free_busy_local_site"));

    final List<String> differences = new ArrayList<>();
    /** Occurrences of each documented difference / computed property. */
    final Map<String, Long> documented = new TreeMap<>();
    /** What was compared (for coverage assertions and the failure message). */
    final Map<String, Long> compared = new TreeMap<>();

    private final FixtureManifest manifest;
    private final DumpTree dump;
    private final boolean includeSoftDeleted;
    private final Set<String> selected;
    private final Map<String, FixtureManifest.Folder> folderById = new HashMap<>();
    private final Map<String, Boolean> folderDeleted = new HashMap<>();
    private final Map<String, Boolean> folderInSearch = new HashMap<>();
    private final Map<String, DumpTree.MsgT> dumpMessages = new HashMap<>();
    private final Map<String, Expect> expected = new HashMap<>();

    /** What the manifest says a store's or folder's end record must count. */
    private static final class Expect {
        long folders;
        long messages;
        long associated;
        long attachments;
        long bytes;
        long missing;
        final Map<String, Long> skipped = new TreeMap<>();

        void skip(String reason, long n) {
            if (n != 0) {
                skipped.merge(reason, n, Long::sum);
            }
        }

        DumpRecord.Totals totals() {
            return new DumpRecord.Totals(folders, messages, associated, attachments, bytes, missing, skipped);
        }
    }

    /**
     * @param includeSoftDeleted the dump was made with {@code --include-soft-deleted}
     * @param selected           GUIDs of the stores the run selected
     */
    ManifestCompare(FixtureManifest manifest, DumpTree dump, boolean includeSoftDeleted, Set<String> selected) {
        this.manifest = manifest;
        this.dump = dump;
        this.includeSoftDeleted = includeSoftDeleted;
        this.selected = selected;
        for (FixtureManifest.Folder f : manifest.folders()) {
            folderById.put(key(f.storeGuid(), folderId(f)), f);
        }
        for (DumpTree.StoreT s : dump.stores) {
            for (DumpTree.FolderT f : s.folders) {
                for (DumpTree.MsgT m : f.messages) {
                    if (dumpMessages.put(key(s.rec.guid(), m.rec.id()), m) != null) {
                        differences.add("store " + s.rec.guid() + ": message " + m.rec.id() + " twice in the dump");
                    }
                }
            }
        }
    }

    /** The ids kgdump gives: PR_SOURCE_KEY hex, else eid:PR_ENTRYID hex, else hid:hierarchy id. */
    static String folderId(FixtureManifest.Folder f) {
        return f.sourceKey() != null ? f.sourceKey() : f.entryId() != null ? "eid:" + f.entryId() : "hid:" + f.hierarchyId();
    }

    static String messageId(FixtureManifest.Message m) {
        return m.sourceKey() != null ? m.sourceKey() : m.entryId() != null ? "eid:" + m.entryId() : "hid:" + m.hierarchyId();
    }

    private static String key(String store, String id) {
        return store + "/" + id;
    }

    private void diff(String what) {
        differences.add(what);
    }

    private void count(Map<String, Long> m, String what) {
        m.merge(what, 1L, Long::sum);
    }

    /** Runs every comparison; the result is in {@link #differences}, {@link #documented} and {@link #compared}. */
    ManifestCompare compareAll() {
        header();
        for (FixtureManifest.Folder f : manifest.folders()) {
            deleted(f);
            inSearch(f);
        }
        Set<String> seenStores = new java.util.HashSet<>();
        for (DumpTree.StoreT s : dump.stores) {
            if (!seenStores.add(s.rec.guid())) {
                diff("store " + s.rec.guid() + " twice in the dump");
            }
            if (!selected.contains(s.rec.guid())) {
                diff("store " + s.rec.guid() + " (" + s.rec.type() + ") is in the dump but was not selected");
            }
        }
        for (FixtureManifest.Store s : manifest.stores()) {
            DumpTree.StoreT d = dump.store(s.guid());
            if (selected.contains(s.guid())) {
                if (d == null) {
                    diff("store " + s.guid() + " (" + s.kind() + " " + s.userName() + ") missing in the dump");
                } else {
                    expected.put(s.guid(), new Expect());
                    store(s, d);
                }
            }
        }
        Set<String> seen = new java.util.HashSet<>();
        manifest.forEachMessage(m -> {
            if (selected.contains(m.storeGuid())) {
                topMessage(m, seen);
            }
        });
        for (DumpTree.StoreT s : dump.stores) {
            for (DumpTree.FolderT f : s.folders) {
                for (DumpTree.MsgT m : f.messages) {
                    if (!seen.contains(key(s.rec.guid(), m.rec.id()))) {
                        diff("store " + s.rec.guid() + " folder " + f.path() + ": message " + m.rec.id()
                                + " is in the dump but not in the manifest (or should not have been exported)");
                    }
                }
            }
        }
        totals();
        return this;
    }

    private void header() {
        DumpRecord.Header h = dump.header;
        FixtureManifest.Header m = manifest.header();
        if (h == null || dump.trailer == null) {
            diff("dump without header or trailer");
            return;
        }
        if (h.schemaRevision() != m.revision()) {
            diff("header: schema revision " + h.schemaRevision() + " != " + m.revision());
        }
        if (!m.serverGuid().equals(h.sourceServerGuid())) {
            diff("header: server GUID " + h.sourceServerGuid() + " != " + m.serverGuid());
        }
        if (!m.storage().equals(h.attachmentStorage())) {
            diff("header: attachment storage " + h.attachmentStorage() + " != " + m.storage());
        }
        // the store index migrate reads before uploading: the dump's stores, in order, with their owners
        List<DumpRecord.Store> index = org.kgmigration.migrate.StoreIndex.fromHeader(h);
        if (index == null || index.size() != dump.stores.size()) {
            diff("header: store index " + (index == null ? "missing" : index.size() + " entries") + " for "
                    + dump.stores.size() + " stores");
            return;
        }
        for (int i = 0; i < index.size(); i++) {
            DumpRecord.Store x = index.get(i);
            DumpRecord.Store r = dump.stores.get(i).rec;
            DumpRecord.Owner xo = x.owner();
            DumpRecord.Owner ro = r.owner();
            boolean same = x.guid().equals(r.guid()) && x.type().equals(r.type())
                    && (xo == null ? ro == null || ro.loginName() == null && ro.email() == null && ro.lastOwnerName() == null
                    : ro != null && java.util.Objects.equals(xo.loginName(), ro.loginName())
                    && java.util.Objects.equals(xo.email(), ro.email())
                    && java.util.Objects.equals(xo.lastOwnerName(), ro.lastOwnerName())
                    && java.util.Objects.equals(xo.userId(), ro.userId()));
            if (!same) {
                diff("header: store index entry " + i + " " + x + " does not match the store record " + r.guid());
            }
        }
    }

    private boolean deleted(FixtureManifest.Folder f) {
        String k = key(f.storeGuid(), folderId(f));
        Boolean d = folderDeleted.get(k);
        if (d == null) {
            FixtureManifest.Folder p = parent(f);
            d = f.softDeleted() || p != null && deleted(p);
            folderDeleted.put(k, d);
            if (d != (f.softDeleted() || f.underSoftDeleted())) {
                diff("manifest: folder " + f.path() + " softDeleted/underSoftDeleted disagree with its parents");
            }
        }
        return d;
    }

    private boolean inSearch(FixtureManifest.Folder f) {
        String k = key(f.storeGuid(), folderId(f));
        Boolean d = folderInSearch.get(k);
        if (d == null) {
            FixtureManifest.Folder p = parent(f);
            d = f.search() || f.folderType() == 2 || p != null && inSearch(p);
            folderInSearch.put(k, d);
        }
        return d;
    }

    private FixtureManifest.Folder parent(FixtureManifest.Folder f) {
        return f.parentSourceKey() == null ? null : folderById.get(key(f.storeGuid(), f.parentSourceKey()));
    }

    // ---------------------------------------------------------------- stores

    private void store(FixtureManifest.Store s, DumpTree.StoreT d) {
        String where = "store " + s.guid() + " (" + s.kind() + " " + s.userName() + ")";
        count(compared, "store");
        String type = switch (s.kind()) {
            case "public" -> "public";
            case "orphan" -> "orphan";
            default -> s.type() == 2 ? "archive" : "private"; // private and the SYSTEM store
        };
        if (!type.equals(d.rec.type())) {
            diff(where + ": type " + d.rec.type() + " != " + type);
        }
        owner(where, s, d.rec.owner());
        // the store object's properties; its PR_ENTRYID is the manifest's entryId
        List<Exp> exp = expected(s.props());
        exp.add(computed(PR_ENTRYID, new TextNode(s.entryId()), null));
        exp.add(computed(PR_OBJECT_TYPE, IntNode.valueOf(1), OBJECT_TYPE));
        if (!ManifestProps.digest(s.props()).equals(s.digest())) {
            diff(where + ": manifest digest does not match its props");
        }
        props(where, exp, d.rec.props());
        acl(where, s.acl(), d.rec.acl());
        // receive folders, in message-class order
        List<String> rf = new ArrayList<>();
        for (FixtureManifest.ReceiveFolder r : s.receiveFolders() == null ? List.<FixtureManifest.ReceiveFolder>of()
                : s.receiveFolders()) {
            rf.add(r.messageClass() + " -> " + r.folderSourceKey());
        }
        rf.sort(null);
        List<String> drf = d.rec.receiveFolders().stream().map(r -> r.messageClass() + " -> " + r.folderId()).toList();
        if (!rf.equals(drf)) {
            diff(where + ": receive folders " + drf + " != " + rf);
        }
        count(compared, "receive folder rows", rf.size());
        // special folders: role -> folder id
        Map<String, String> roles = new TreeMap<>();
        List<FixtureManifest.Folder> folders = manifest.folders().stream().filter(f -> f.storeGuid().equals(s.guid()))
                .toList();
        for (FixtureManifest.Folder f : folders) {
            if (f.role() != null) {
                String r = ROLE.get(f.role());
                if (r == null) {
                    diff(where + ": manifest role " + f.role() + " has no kgdump name");
                } else if (roles.put(r, folderId(f)) != null) {
                    diff(where + ": two folders with role " + r);
                }
            }
        }
        if (!roles.equals(new TreeMap<>(d.rec.specialFolders()))) {
            diff(where + ": special folders " + new TreeMap<>(d.rec.specialFolders()) + " != " + roles);
        }
        count(compared, "special folders", roles.size());
        if (s.rootSourceKey() != null && !s.rootSourceKey().equals(d.rec.specialFolders().get("root"))) {
            diff(where + ": root folder " + d.rec.specialFolders().get("root") + " != " + s.rootSourceKey());
        }
        folders(s, d, folders);
    }

    private void count(Map<String, Long> m, String what, long n) {
        m.merge(what, n, Long::sum);
    }

    private void owner(String where, FixtureManifest.Store s, DumpRecord.Owner o) {
        if (o == null) {
            diff(where + ": no owner");
            return;
        }
        FixtureManifest.Owner m = s.owner();
        Integer userId = s.userId() == 0 ? null : s.userId();
        List<String> bad = new ArrayList<>();
        check(bad, "userId", userId, o.userId());
        check(bad, "lastOwnerName", s.userName(), o.lastOwnerName());
        check(bad, "companyId", 0, o.companyId());
        if (m != null) {
            check(bad, "userId", m.userId(), o.userId());
            check(bad, "login", m.login(), o.loginName());
            check(bad, "email", m.email(), o.email());
            check(bad, "fullName", m.fullName(), o.fullName());
            check(bad, "externId", m.externId(), o.externId());
            check(bad, "objectClass", m.objectClass(), o.objectClass());
            check(bad, "active", m.active(), o.active());
        } else {
            // EVERYONE (public store), SYSTEM or a user deleted from the directory: no directory entry; the
            // seeded users rows are EVERYONE class 0x30002 and SYSTEM 0x10001, an active user (kopano-database.md 6.2)
            check(bad, "login", null, o.loginName());
            check(bad, "email", null, o.email());
            check(bad, "fullName", null, o.fullName());
            check(bad, "externId", null, o.externId());
            check(bad, "objectClass", switch (s.kind()) {
                case "system" -> 0x10001;
                case "public" -> 0x30002;
                default -> null;
            }, o.objectClass());
            check(bad, "active", "system".equals(s.kind()) ? Boolean.TRUE : null, o.active());
        }
        if (!bad.isEmpty()) {
            diff(where + ": owner " + String.join(", ", bad) + " (dump " + o + ")");
        }
        count(compared, "store owner");
    }

    private static void check(List<String> bad, String field, Object want, Object got) {
        if (!Objects.equals(want, got)) {
            bad.add(field + " " + got + " != " + want);
        }
    }

    private void acl(String where, List<FixtureManifest.Acl> want, List<DumpRecord.Acl> got) {
        List<String> w = new ArrayList<>();
        for (FixtureManifest.Acl a : want == null ? List.<FixtureManifest.Acl>of() : want) {
            // docs/kgdump.md: Kopano's built-in grantees EVERYONE (users.id 1) and SYSTEM (2) are named by keyword
            String grantee = a.userId() == Directory.EVERYONE ? "everyone" : a.userId() == Directory.SYSTEM ? "system"
                    : a.grantee();
            if (!grantee.equals(a.grantee())) {
                count(documented, GRANTEE_KEYWORD);
            }
            w.add(a.userId() + "/" + grantee + "/" + a.type() + "/" + a.rights());
        }
        w.sort(null);
        List<String> g = new ArrayList<>();
        for (DumpRecord.Acl a : got) {
            g.add(a.userId() + "/" + a.principal() + "/" + a.type() + "/" + a.rights());
        }
        g.sort(null);
        if (!w.equals(g)) {
            diff(where + ": ACL " + g + " != " + w);
        }
        count(compared, "acl rows", w.size());
    }

    // ---------------------------------------------------------------- folders

    private void folders(FixtureManifest.Store s, DumpTree.StoreT d, List<FixtureManifest.Folder> folders) {
        Expect st = expected.get(s.guid());
        Map<String, DumpTree.FolderT> dumped = new LinkedHashMap<>();
        for (DumpTree.FolderT f : d.folders) {
            if (dumped.put(f.rec.id(), f) != null) {
                diff("store " + s.guid() + ": folder " + f.rec.id() + " twice in the dump");
            }
        }
        for (FixtureManifest.Folder f : folders) {
            String id = folderId(f);
            String where = "store " + s.guid() + " folder '" + f.path() + "' (" + id + ")";
            DumpTree.FolderT df = dumped.remove(id);
            boolean del = deleted(f);
            if (inSearch(f)) {
                st.skip(Tally.SEARCH_FOLDER, 1);
                if (df != null) {
                    diff(where + ": a search folder is in the dump");
                }
                if (f.counts().normal() + f.counts().assoc() + f.counts().softDeleted() != 0) {
                    diff(where + ": manifest has messages in a search folder (kgdump would not count them)");
                }
                count(compared, "search folder left out");
                continue;
            }
            if (del && !includeSoftDeleted) {
                st.skip(Tally.SOFT_DELETED_FOLDER, 1);
                st.skip(Tally.MESSAGE_IN_DELETED_FOLDER, f.counts().normal() + f.counts().assoc() + f.counts().softDeleted());
                if (df != null) {
                    diff(where + ": a soft-deleted folder is in the dump without --include-soft-deleted");
                }
                count(compared, "soft-deleted folder left out");
                continue;
            }
            if (!includeSoftDeleted) {
                st.skip(Tally.SOFT_DELETED_MESSAGE, f.counts().softDeleted());
            }
            if (df == null) {
                diff(where + ": missing in the dump");
                continue;
            }
            st.folders++;
            count(compared, "folder");
            Expect fe = new Expect();
            expected.put(key(s.guid(), "folder:" + id), fe);
            if (!Objects.equals(f.parentSourceKey(), df.rec.parentId())) {
                diff(where + ": parent " + df.rec.parentId() + " != " + f.parentSourceKey());
            }
            if ((f.folderType() == 0) != (df.rec.parentId() == null)) {
                diff(where + ": folder type " + f.folderType() + " but parent " + df.rec.parentId());
            }
            String role = f.role() == null ? null : ROLE.get(f.role());
            if (!Objects.equals(role, df.rec.role())) {
                diff(where + ": role " + df.rec.role() + " != " + role);
            }
            if (df.rec.deleted() != del) {
                diff(where + ": deleted " + df.rec.deleted() + " != " + del);
            }
            if (!f.path().equals(path(df))) {
                diff(where + ": path " + path(df) + " != " + f.path());
            }
            if (f.hidden()) {
                count(compared, "hidden folder");
            }
            if (del) {
                count(compared, "soft-deleted folder exported");
            }
            List<Exp> exp = expected(f.props());
            if (f.entryId() != null) {
                exp.add(computed(PR_ENTRYID, new TextNode(f.entryId()), null));
            }
            if (f.sourceKey() != null) {
                exp.add(computed(PR_SOURCE_KEY, new TextNode(f.sourceKey()), null));
            }
            exp.add(computed(PR_OBJECT_TYPE, IntNode.valueOf(3), OBJECT_TYPE));
            if (!ManifestProps.digest(f.props()).equals(f.digest())) {
                diff(where + ": manifest digest does not match its props");
            }
            props(where, exp, df.rec.props());
            acl(where, f.acl(), df.rec.acl());
        }
        for (DumpTree.FolderT f : dumped.values()) {
            diff("store " + s.guid() + ": folder " + f.rec.id() + " '" + path(f) + "' is in the dump but not in the manifest");
        }
    }

    /** Display names from the root's children joined by '/', a '/' in a name as %2F (the manifest's path). */
    private static String path(DumpTree.FolderT f) {
        if (f.parent == null) {
            return "";
        }
        String n = f.name() == null ? "" : f.name().replace("/", "%2F");
        return f.parent.parent == null ? n : path(f.parent) + "/" + n;
    }

    // ---------------------------------------------------------------- messages

    private void topMessage(FixtureManifest.Message m, Set<String> seen) {
        String id = messageId(m);
        String k = key(m.storeGuid(), id);
        String where = "store " + m.storeGuid() + " message " + id;
        FixtureManifest.Folder f = folderById.get(key(m.storeGuid(), m.folderSourceKey()));
        if (f == null) {
            diff(where + ": manifest folder " + m.folderSourceKey() + " unknown");
            return;
        }
        where += " in '" + f.path() + "'";
        boolean folderDel = deleted(f);
        boolean del = folderDel || m.softDeleted();
        if (m.underSoftDeleted() != folderDel) {
            diff(where + ": manifest underSoftDeleted disagrees with the folder");
        }
        boolean exported = !inSearch(f) && (includeSoftDeleted || !del);
        DumpTree.MsgT d = dumpMessages.get(k);
        if (!exported) {
            if (d != null) {
                diff(where + ": in the dump, but it is " + (inSearch(f) ? "in a search folder" : "soft-deleted"));
            }
            count(compared, "soft-deleted message left out");
            return;
        }
        if (d == null) {
            diff(where + ": missing in the dump");
            return;
        }
        seen.add(k);
        if (!folderId(f).equals(d.folder.rec.id())) {
            diff(where + ": in dump folder " + d.folder.rec.id() + " '" + path(d.folder) + "'");
        }
        if (d.rec.associated() != m.assoc()) {
            diff(where + ": associated " + d.rec.associated() + " != " + m.assoc());
        }
        if (d.rec.deleted() != del) {
            diff(where + ": deleted " + d.rec.deleted() + " != " + del);
        }
        if (d.rec.embedded()) {
            diff(where + ": top-level message marked embedded");
        }
        count(compared, m.assoc() ? "associated message" : "message");
        if (del) {
            count(compared, "soft-deleted message exported");
        }
        Expect st = expected.get(m.storeGuid());
        Expect fe = expected.get(key(m.storeGuid(), "folder:" + folderId(f)));
        long[] att = new long[3]; // attachments, bytes, missing
        message(where, m, d, m.entryId(), 0, att);
        if (m.assoc()) {
            st.associated++;
        } else {
            st.messages++;
        }
        if (fe != null && m.assoc()) {
            fe.associated++;
        } else if (fe != null) {
            fe.messages++;
        }
        st.attachments += att[0];
        st.bytes += att[1];
        st.missing += att[2];
        if (fe != null) {
            fe.attachments += att[0];
            fe.bytes += att[1];
        }
        if (m.imapEmail() != null) {
            count(documented, IMAP_EMAIL);
        }
    }

    /** A message (top-level or embedded) with its recipients, attachments and embedded messages. */
    private void message(String where, FixtureManifest.Message m, DumpTree.MsgT d, String entryId, int depth, long[] att) {
        List<Exp> exp = expected(m.props());
        if (m.softDeleted()) {
            // docs/kgdump.md: Kopano's soft-delete bit 0x400 is cleared from PR_MESSAGE_FLAGS
            for (int i = 0; i < exp.size(); i++) {
                Exp e = exp.get(i);
                if (e.tag == PR_MESSAGE_FLAGS && (e.value.asInt() & 0x400) != 0) {
                    exp.set(i, new Exp(e.key, e.tag, IntNode.valueOf(e.value.asInt() & ~0x400), SOFT_DELETE_BIT));
                }
            }
        }
        if (entryId != null) {
            exp.add(computed(PR_ENTRYID, new TextNode(entryId), null));
        }
        if (m.sourceKey() != null) {
            exp.add(computed(PR_SOURCE_KEY, new TextNode(m.sourceKey()), null));
        }
        exp.add(computed(PR_OBJECT_TYPE, IntNode.valueOf(5), OBJECT_TYPE));
        if (!ManifestProps.digest(m.props()).equals(m.digest())) {
            diff(where + ": manifest digest does not match its props");
        }
        props(where, exp, d.rec.props());
        // recipients, in hierarchy-id order
        List<FixtureManifest.Recipient> rs = m.recipients() == null ? List.of() : m.recipients();
        if (rs.size() != d.rec.recipients().size()) {
            diff(where + ": " + d.rec.recipients().size() + " recipients != " + rs.size());
        }
        for (int i = 0; i < Math.min(rs.size(), d.rec.recipients().size()); i++) {
            recipient(where + " recipient " + i, rs.get(i), i, d.rec.recipients().get(i));
        }
        // attachments, in hierarchy-id order
        List<FixtureManifest.Attachment> as = m.attachments() == null ? List.of() : m.attachments();
        if (as.size() != d.attachments.size()) {
            diff(where + ": " + d.attachments.size() + " attachments != " + as.size());
        }
        for (int i = 0; i < Math.min(as.size(), d.attachments.size()); i++) {
            // the manifest's path notation: <message> att:N/embedded/att:M/embedded ...
            attachment(where + (depth > 0 ? "/att:" : " att:") + i, as.get(i), i, d.attachments.get(i), depth, att);
        }
        if (depth > 0) {
            count(compared, "embedded message at depth " + depth);
        }
    }

    private void recipient(String where, FixtureManifest.Recipient r, int row, List<Prop> d) {
        count(compared, "recipient");
        if (r.objectType() != 6) {
            count(compared, "recipient of object type " + r.objectType());
        }
        List<Exp> exp = new ArrayList<>();
        boolean hasRowId = false;
        for (Exp e : expected(r.props())) {
            if (e.tag == PR_EC_CONTACT_ENTRYID) {
                // docs/kgdump.md: Kopano's client swaps the stored PR_EC_CONTACT_ENTRYID into PR_ENTRYID
                exp.add(new Exp(key(PR_ENTRYID), PR_ENTRYID, e.value, RECIPIENT_ENTRYID));
            } else {
                hasRowId |= e.tag == PR_ROWID;
                exp.add(e);
            }
        }
        if (!hasRowId) {
            exp.add(computed(PR_ROWID, IntNode.valueOf(row), ROWID_NUMBERED));
        }
        exp.add(computed(PR_OBJECT_TYPE, IntNode.valueOf(r.objectType()), OBJECT_TYPE));
        if (!ManifestProps.digest(r.props()).equals(r.digest())) {
            diff(where + ": manifest digest does not match its props");
        }
        props(where, exp, d);
    }

    private void attachment(String where, FixtureManifest.Attachment a, int num, DumpTree.AttT d, int depth, long[] att) {
        count(compared, "attachment");
        att[0]++;
        List<Exp> exp = new ArrayList<>();
        boolean hasNum = false;
        for (Exp e : expected(a.props())) {
            hasNum |= e.tag == PR_ATTACH_NUM;
            exp.add(e);
        }
        if (!hasNum) {
            exp.add(computed(PR_ATTACH_NUM, IntNode.valueOf(num), ATTACH_NUM));
        }
        exp.add(computed(PR_OBJECT_TYPE, IntNode.valueOf(7), OBJECT_TYPE));
        if (!ManifestProps.digest(a.props()).equals(a.digest())) {
            diff(where + ": manifest digest does not match its props");
        }
        props(where, exp, d.rec.props());
        DumpRecord.AttachmentEnd end = d.end;
        FixtureManifest.Data data = a.data();
        if (a.embedded() != null) {
            if (d.embedded == null) {
                diff(where + ": embedded message missing in the dump");
            } else {
                message(where + "/embedded", a.embedded(), d.embedded, null, depth + 1, att);
            }
            if (end.missing() || end.size() != 0 || d.size != 0) {
                diff(where + ": an embedded-message attachment ends with " + end);
            }
            if (data != null) {
                diff(where + ": manifest has data and an embedded message");
            }
            return;
        }
        if (d.embedded != null) {
            diff(where + ": the dump has an embedded message the manifest does not have");
        }
        if (data == null) {
            if (end.missing() || d.size != 0) {
                diff(where + ": no data in the manifest, the dump ends with " + end);
            }
            count(compared, "attachment without data");
            return;
        }
        if (data.missing()) {
            att[2]++;
            if (!end.missing()) {
                diff(where + ": lost data (" + data.location() + ") not flagged missing: " + end);
            } else if (end.problem() == null || end.problem().isBlank()) {
                diff(where + ": missing without a reason");
            }
            count(compared, data.instanceId() == null ? "missing data (no instance)" : "missing data (instance lost)");
            return;
        }
        if (end.missing()) {
            diff(where + ": data flagged missing: " + end.problem());
            return;
        }
        att[1] += d.size;
        if (d.size != data.size() || !Objects.equals(d.sha256 == null ? EMPTY_SHA256 : d.sha256, data.sha256())) {
            diff(where + ": data " + d.size + " bytes " + d.sha256 + " != " + data.size() + " " + data.sha256()
                    + " (" + data.location() + ")");
        }
        if (end.size() != data.size() || !Objects.equals(end.sha256(), data.size() == 0 ? null : data.sha256())) {
            diff(where + ": AttachmentEnd " + end + " != " + data.size() + " " + data.sha256());
        }
        count(compared, "attachment data");
        count(compared, "attachment bytes", d.size);
        if (Boolean.TRUE.equals(data.compressed())) {
            count(compared, "gzip file decompressed");
        }
        if (data.location() != null && data.location().matches("\\d+/\\d+/\\d+") && data.size() >= 2
                && data.sha256() != null && isGzipName(a)) {
            count(compared, "raw gzip attachment byte for byte");
        }
        if (data.shared()) {
            count(compared, "shared instance");
        }
        if (data.size() > org.kgmigration.stream.DumpFormat.MAX_CHUNK) {
            count(compared, "attachment over several Data chunks");
        }
        if (data.size() == 0) {
            count(compared, "empty attachment");
        }
    }

    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static boolean isGzipName(FixtureManifest.Attachment a) {
        return a.props().stream().anyMatch(p -> p.tag().equals("3707001F") && p.value().asText().endsWith(".gz"));
    }

    // ---------------------------------------------------------------- totals

    private void totals() {
        Map<String, DumpRecord.Totals> storeTotals = new HashMap<>();
        for (DumpTree.StoreT s : dump.stores) {
            Expect st = expected.get(s.rec.guid());
            if (st == null) {
                continue;
            }
            for (DumpTree.FolderT f : s.folders) {
                Expect fe = expected.get(key(s.rec.guid(), "folder:" + f.rec.id()));
                if (fe == null) {
                    continue;
                }
                DumpRecord.FolderEnd want = new DumpRecord.FolderEnd(f.rec.id(), fe.messages, fe.associated,
                        fe.attachments, fe.bytes);
                if (!want.equals(f.end)) {
                    diff("store " + s.rec.guid() + " folder '" + path(f) + "': " + f.end + " != " + want);
                }
                if (f.end != null && f.end.messages() + f.end.associated() != f.messages.size()) {
                    diff("store " + s.rec.guid() + " folder '" + path(f) + "': FolderEnd counts "
                            + (f.end.messages() + f.end.associated()) + " messages, the folder has " + f.messages.size());
                }
                count(compared, "FolderEnd");
            }
            DumpRecord.Totals want = st.totals();
            if (s.end == null || !want.equals(s.end.totals())) {
                diff("store " + s.rec.guid() + ": StoreEnd " + (s.end == null ? null : s.end.totals()) + " != " + want);
            }
            storeTotals.put(s.rec.guid(), want);
            count(compared, "StoreEnd");
            if (includeSoftDeleted && s.end != null) {
                storeManifestTotals(s, manifest.store(s.rec.guid()).totals());
            }
        }
        DumpRecord.Trailer t = dump.trailer;
        if (t == null) {
            return;
        }
        if (!t.stores().equals(storeTotals)) {
            diff("trailer: per-store totals " + t.stores() + " != " + storeTotals);
        }
        Expect all = new Expect();
        storeTotals.values().forEach(x -> {
            all.folders += x.folders();
            all.messages += x.messages();
            all.associated += x.associated();
            all.attachments += x.attachments();
            all.bytes += x.attachmentBytes();
            all.missing += x.missingAttachments();
            x.skipped().forEach(all::skip);
        });
        if (!all.totals().equals(t.total())) {
            diff("trailer: total " + t.total() + " != " + all.totals());
        }
        // records before the Trailer (docs/dump-format.md 8.10); the tree counted the Trailer too
        if (t.records() != dump.records - 1) {
            diff("trailer: " + t.records() + " records, the stream held " + (dump.records - 1) + " before it");
        }
        // with everything selected and soft-deleted items included, the trailer accounts for the whole manifest
        if (includeSoftDeleted && selected.size() == manifest.stores().size()) {
            FixtureManifest.Totals mt = manifest.totals();
            long search = all.skipped.getOrDefault(Tally.SEARCH_FOLDER, 0L);
            if (t.total().folders() + search != mt.folders() || t.total().messages() + t.total().associated() != mt.messages()
                    || t.total().attachments() != mt.attachments() || t.total().attachmentBytes() != mt.attachmentBytes()
                    || t.stores().size() != mt.stores()) {
                diff("trailer: " + t.total() + " does not account for the manifest totals " + mt);
            }
            count(compared, "manifest totals");
        }
    }

    /** With soft-deleted items included, a store's dump accounts for the manifest's store totals. */
    private void storeManifestTotals(DumpTree.StoreT s, FixtureManifest.StoreTotals mt) {
        DumpRecord.Totals t = s.end.totals();
        long[] re = new long[2]; // recipients, embedded messages
        for (DumpTree.FolderT f : s.folders) {
            for (DumpTree.MsgT m : f.messages) {
                census(m, re);
            }
        }
        String got = "folders " + (t.folders() + t.skipped().getOrDefault(Tally.SEARCH_FOLDER, 0L)) + ", messages "
                + (t.messages() + t.associated()) + ", attachments " + t.attachments() + ", recipients " + re[0]
                + ", embedded " + re[1];
        String want = "folders " + mt.folders() + ", messages " + (mt.messages() + mt.assoc() + mt.softDeleted())
                + ", attachments " + mt.attachments() + ", recipients " + mt.recipients() + ", embedded " + mt.embedded();
        if (!got.equals(want)) {
            diff("store " + s.rec.guid() + ": the dump holds " + got + "; the manifest's store totals say " + want);
        }
        count(compared, "manifest store totals");
    }

    private static void census(DumpTree.MsgT m, long[] re) {
        re[0] += m.rec.recipients().size();
        for (DumpTree.AttT a : m.attachments) {
            if (a.embedded != null) {
                re[1]++;
                census(a.embedded, re);
            }
        }
    }

    // ---------------------------------------------------------------- properties

    /** An expected property: its key (fixed id or name), full tag, manifest value, and the documented reason if computed. */
    private record Exp(String key, int tag, JsonNode value, String documented) {
    }

    private static String key(int tag) {
        return String.format("0x%04X", tag >>> 16);
    }

    private static Exp computed(int tag, JsonNode value, String documented) {
        return new Exp(key(tag), tag, value, documented);
    }

    private List<Exp> expected(List<FixtureManifest.Property> props) {
        List<Exp> out = new ArrayList<>();
        for (FixtureManifest.Property p : props == null ? List.<FixtureManifest.Property>of() : props) {
            int tag = (int) Long.parseLong(p.tag(), 16);
            if (!PropType.name(tag & 0xFFFF).equals(p.type())) {
                diff("manifest: property " + p.tag() + " has type " + p.type());
            }
            out.add(new Exp(ManifestProps.key(p), tag, p.value(), null));
        }
        return out;
    }

    static String keyOf(Prop p) {
        if (p.name() == null) {
            return key(p.tag());
        }
        String g = p.name().guidText().replace("{", "").replace("}", "").toLowerCase(Locale.ROOT);
        return p.name().lid() != null ? g + ":0x" + String.format("%04X", p.name().lid()) : g + ":'" + p.name().name() + "'";
    }

    /** Both directions: every expected property once with tag, type, name and value; nothing else. */
    private void props(String where, List<Exp> expected, List<Prop> actual) {
        Map<String, List<Prop>> byKey = new HashMap<>();
        for (Prop p : actual) {
            byKey.computeIfAbsent(keyOf(p) + "/" + p.type(), k -> new ArrayList<>()).add(p);
        }
        for (Exp e : expected) {
            List<Prop> l = byKey.get(e.key + "/" + (e.tag & 0xFFFF));
            if (l == null || l.isEmpty()) {
                diff(where + ": " + e.key + " " + ManifestProps.tagHex(e.tag) + " = " + e.value + " missing in the dump");
                continue;
            }
            Prop p = l.remove(0);
            if (p.tag() != e.tag) {
                diff(where + ": " + e.key + " has tag " + ManifestProps.tagHex(p.tag()) + " != " + ManifestProps.tagHex(e.tag));
            }
            if (!same(e.tag & 0xFFFF, e.value, p.value())) {
                diff(where + ": " + e.key + " " + ManifestProps.tagHex(e.tag) + " value " + p + " != " + e.value);
            }
            if (e.documented != null) {
                count(documented, e.documented);
            }
            count(compared, "property");
        }
        byKey.values().forEach(l -> l.forEach(p -> diff(where + ": dump has " + p + " which the manifest does not")));
    }

    static boolean same(int type, JsonNode v, Object o) {
        if (v == null || o == null) {
            return false;
        }
        if (PropType.isMulti(type)) {
            if (!v.isArray() || !(o instanceof List<?> l) || l.size() != v.size()) {
                return false;
            }
            for (int i = 0; i < l.size(); i++) {
                if (!same(PropType.base(type), v.get(i), l.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return switch (type) {
            case PropType.PT_SHORT, PropType.PT_LONG -> v.isIntegralNumber() && o instanceof Integer i && v.asLong() == i;
            case PropType.PT_I8, PropType.PT_CURRENCY, PropType.PT_SYSTIME ->
                    v.isIntegralNumber() && v.canConvertToLong() && o instanceof Long l && v.longValue() == l;
            case PropType.PT_BOOLEAN -> v.isBoolean() && o instanceof Boolean b && v.booleanValue() == b;
            // the manifest writes a float as the double of its shortest decimal text
            case PropType.PT_FLOAT -> v.isNumber() && o instanceof Float f
                    && Double.compare(Double.parseDouble(Float.toString(f)), v.doubleValue()) == 0;
            case PropType.PT_DOUBLE, PropType.PT_APPTIME -> v.isNumber() && o instanceof Double d
                    && Double.compare(d, v.doubleValue()) == 0;
            case PropType.PT_UNICODE -> v.isTextual() && v.textValue().equals(o);
            case PropType.PT_BINARY, PropType.PT_CLSID -> v.isTextual() && o instanceof byte[] b
                    && v.textValue().equals(HexFormat.of().formatHex(b));
            default -> false;
        };
    }

    /** A summary for assertion messages: the first differences and what was compared. */
    String report() {
        StringBuilder b = new StringBuilder();
        b.append(differences.size()).append(" differences");
        differences.stream().limit(60).forEach(d -> b.append("\n  ").append(d));
        if (differences.size() > 60) {
            b.append("\n  ...");
        }
        b.append("\ncompared: ").append(compared).append("\ndocumented: ").append(documented);
        return b.toString();
    }
}
