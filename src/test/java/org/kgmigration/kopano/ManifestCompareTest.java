package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.fixture.FixtureManifest;
import org.kgmigration.fixture.Storage;
import org.kgmigration.stream.StoreSelector;

/**
 * The comparison of {@link FixtureDumpTest} catches what it must: after the fixture database is
 * changed behind the manifest's back (a value, an extra property, a lost recipient property, one
 * attachment byte, a moved, an extra and a soft-deleted message, a renamed named property, an ACL,
 * an embedded message two deep, a store's owner name), each change shows up as a difference.
 */
class ManifestCompareTest {
    @TempDir
    Path tmp;

    @Test
    void every_change_behind_the_manifest_is_a_difference() throws Exception {
        try (FixtureDumps.Built b = FixtureDumps.build(118, Storage.DATABASE, 10, 20); Connection c = b.db().connect()) {
            FixtureManifest m = b.manifest();
            FixtureManifest.Store anna = m.stores().stream().filter(s -> "anna.schmidt@example.org".equals(s.userName()))
                    .findFirst().orElseThrow();
            FixtureManifest.Folder inbox = folder(m, anna, "inbox");
            FixtureManifest.Folder sent = folder(m, anna, "sent");
            List<FixtureManifest.Message> msgs = m.messages();
            Set<String> used = new HashSet<>();
            List<String> want = new ArrayList<>();
            List<String> sql = new ArrayList<>();

            FixtureManifest.Message keywords = pick(msgs, used, x -> x.props().stream()
                    .anyMatch(p -> p.name() != null && "Keywords".equals(p.name().name())));
            sql.add("UPDATE names SET namestring = 'Keywords2' WHERE namestring = 'Keywords'");

            FixtureManifest.Message twoDeep = pick(msgs, used, x -> x.attachments().stream().anyMatch(a -> a.embedded() != null
                    && a.embedded().attachments().stream().anyMatch(e -> e.embedded() != null)));
            FixtureManifest.Message deep = twoDeep.attachments().stream().filter(a -> a.embedded() != null)
                    .map(FixtureManifest.Attachment::embedded).findFirst().orElseThrow().attachments().stream()
                    .filter(a -> a.embedded() != null).findFirst().orElseThrow().embedded();
            sql.add("UPDATE properties SET val_string = 'changed two deep' WHERE hierarchyid = " + deep.hierarchyId()
                    + " AND tag = 0x37");
            want.add("message " + twoDeep.sourceKey() + " in 'IPM_SUBTREE/Posteingang' att:0/embedded/att:0/embedded: 0x0037");

            FixtureManifest.Message subject = pick(msgs, used, x -> inInbox(x, inbox) && hasProp(x, "0037001F"));
            sql.add("UPDATE properties SET val_string = CONCAT(val_string, '!') WHERE hierarchyid = "
                    + subject.hierarchyId() + " AND tag = 0x37");
            want.add("message " + subject.sourceKey() + " in 'IPM_SUBTREE/Posteingang': 0x0037 0037001F value");

            FixtureManifest.Message rcpt = pick(msgs, used, x -> sent.sourceKey().equals(x.folderSourceKey())
                    && !x.recipients().isEmpty());
            sql.add("DELETE FROM properties WHERE hierarchyid = " + rcpt.recipients().get(0).hierarchyId() + " AND tag = 0x3001");
            want.add("message " + rcpt.sourceKey() + " in 'IPM_SUBTREE/Gesendete Objekte' recipient 0: 0x3001 3001001F");

            FixtureManifest.Message data = pick(msgs, used, x -> !x.storeGuid().equals(anna.guid()) && x.attachments().stream()
                    .anyMatch(a -> a.data() != null && !a.data().missing() && a.data().size() > 0 && !a.data().shared()));
            FixtureManifest.Data d = data.attachments().stream().map(FixtureManifest.Attachment::data)
                    .filter(x -> x != null && !x.missing() && x.size() > 0).findFirst().orElseThrow();
            sql.add("UPDATE lob SET val_binary = CONCAT(X'00', SUBSTRING(val_binary, 2)) WHERE instanceid = "
                    + d.instanceId() + " AND chunkid = 0");
            want.add("message " + data.sourceKey());
            want.add(d.sha256() + " (lob:" + d.instanceId() + ")");

            FixtureManifest.Message moved = pick(msgs, used, x -> inInbox(x, inbox));
            sql.add("UPDATE hierarchy SET parent = " + sent.hierarchyId() + " WHERE id = " + moved.hierarchyId());
            want.add("message " + moved.sourceKey() + " in 'IPM_SUBTREE/Posteingang': in dump folder " + sent.sourceKey());
            want.add("folder 'IPM_SUBTREE/Gesendete Objekte': FolderEnd");

            FixtureManifest.Message deleted = pick(msgs, used, x -> inInbox(x, inbox));
            sql.add("UPDATE hierarchy SET flags = flags | 0x400 WHERE id = " + deleted.hierarchyId());
            want.add("message " + deleted.sourceKey() + " in 'IPM_SUBTREE/Posteingang': missing in the dump");
            want.add("store " + anna.guid() + ": StoreEnd");

            sql.add("INSERT INTO hierarchy (id, parent, type, flags, owner) VALUES (99999, " + inbox.hierarchyId() + ", 5, 0, "
                    + anna.userId() + ")");
            want.add("message hid:99999 is in the dump but not in the manifest");

            sql.add("INSERT INTO properties (hierarchyid, tag, type, val_ulong) VALUES (" + inbox.hierarchyId()
                    + ", 0x6F00, 3, 7)");
            want.add("folder 'IPM_SUBTREE/Posteingang' (" + inbox.sourceKey() + "): dump has 0x6F000003=7");

            sql.add("UPDATE acl SET rights = rights ^ 1 WHERE hierarchy_id = " + inbox.hierarchyId() + " AND type = 2");
            want.add("folder 'IPM_SUBTREE/Posteingang' (" + inbox.sourceKey() + "): ACL");

            sql.add("UPDATE stores SET user_name = 'anna.old' WHERE guid = X'" + anna.guid() + "'");
            want.add("owner lastOwnerName anna.old != anna.schmidt@example.org");

            EdgeCasesTest.sql(c, sql.toArray(String[]::new));
            DumpTree t = FixtureDumps.dumpViaFile(b.config(), DumpOptions.defaults(), StoreSelector.all(), false,
                    tmp.resolve("changed.d1"));
            ManifestCompare cmp = new ManifestCompare(m, t, false, FixtureDumps.guids(m, false)).compareAll();
            for (String w : want) {
                assertTrue(cmp.differences.stream().anyMatch(x -> x.contains(w)), "not found: " + w + "\n" + cmp.report());
            }
            // the renamed named property: the old name is missing, the new one is extra
            assertTrue(cmp.differences.stream().anyMatch(x -> x.contains(keywords.sourceKey()) && x.contains(":'Keywords'")
                    && x.contains("missing in the dump")), cmp.report());
            assertTrue(cmp.differences.stream().anyMatch(x -> x.contains(keywords.sourceKey()) && x.contains("'Keywords2'")
                    && x.contains("which the manifest does not")), cmp.report());
        }
    }

    private static FixtureManifest.Folder folder(FixtureManifest m, FixtureManifest.Store s, String role) {
        FixtureManifest.Folder f = m.folders().stream().filter(x -> x.storeGuid().equals(s.guid()) && role.equals(x.role()))
                .findFirst().orElse(null);
        assertNotNull(f, role);
        return f;
    }

    private static boolean inInbox(FixtureManifest.Message x, FixtureManifest.Folder inbox) {
        return inbox.storeGuid().equals(x.storeGuid()) && inbox.sourceKey().equals(x.folderSourceKey()) && !x.assoc()
                && !x.softDeleted();
    }

    private static boolean hasProp(FixtureManifest.Message x, String tag) {
        return x.props().stream().anyMatch(p -> p.tag().equals(tag));
    }

    /** The first message not picked before that matches. */
    private static FixtureManifest.Message pick(List<FixtureManifest.Message> all, Set<String> used,
                                                Predicate<FixtureManifest.Message> p) {
        FixtureManifest.Message m = all.stream().filter(x -> !x.softDeleted() && !x.underSoftDeleted()
                && !used.contains(x.sourceKey()) && p.test(x)).findFirst().orElseThrow();
        used.add(m.sourceKey());
        return m;
    }
}
