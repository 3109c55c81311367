package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kgmigration.fixture.FixtureManifest;
import org.kgmigration.fixture.Storage;
import org.kgmigration.stream.StoreSelector;

/**
 * Issue 3's test requirement: fixture databases at revision 63 and 118 with each attachment storage,
 * dumped through the real codec (DumpWriter to a file, DumpReader + DumpValidator back) and compared
 * with the fixture manifest by {@link ManifestCompare} — every store, folder, message, property
 * (type and value), recipient, attachment byte and embedded message, and the totals, in both
 * directions. Any difference fails; the differences docs/kgdump.md documents are counted and checked.
 */
class FixtureDumpTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "revision {0}, {1} {2}x{3}")
    @CsvSource({"118, DATABASE, 10, 20", "118, FILES, 10, 20", "118, FILES, 7, 13", "118, FILES_V2, 10, 20",
        "63, DATABASE, 10, 20", "63, FILES, 10, 20"})
    void the_dump_holds_exactly_what_the_manifest_says(int revision, Storage storage, int l1, int l2) throws Exception {
        try (FixtureDumps.Built b = FixtureDumps.build(revision, storage, l1, l2)) {
            FixtureManifest m = b.manifest();

            // default run: every store but SYSTEM, soft-deleted items and search folders skipped and counted
            DumpTree plain = FixtureDumps.dumpViaFile(b.config(), DumpOptions.defaults(), StoreSelector.all(), false,
                    tmp.resolve("plain.d1"));
            ManifestCompare c = new ManifestCompare(m, plain, false, FixtureDumps.guids(m, false)).compareAll();
            assertTrue(c.differences.isEmpty(), c.report());
            checkCoverage(c, m, storage, false);

            // every store by GUID (SYSTEM included), soft-deleted items exported, 3 folders in parallel through
            // spools, small pages and batches, compressed stream
            List<String> all = new ArrayList<>(FixtureDumps.guids(m, true));
            DumpTree full = FixtureDumps.dumpViaFile(b.config(),
                    DumpOptions.defaults().withSoftDeleted(true).withConcurrency(3).withBatches(3, 1 << 20, 2),
                    new StoreSelector(List.of(), all, false, List.of(), List.of()), true, tmp.resolve("full.d1"));
            ManifestCompare f = new ManifestCompare(m, full, true, Set.copyOf(all)).compareAll();
            assertTrue(f.differences.isEmpty(), f.report());
            checkCoverage(f, m, storage, true);
            assertTrue(f.compared.getOrDefault("soft-deleted folder exported", 0L) >= 3, f.report());
            assertTrue(f.compared.getOrDefault("soft-deleted message exported", 0L) >= 5, f.report());
            assertEquals(1L, f.compared.get("manifest totals"), f.report());
            assertEquals(m.stores().size(), f.compared.get("manifest store totals"), f.report());
            assertEquals(Map.of(Tally.SEARCH_FOLDER, 1L), full.trailer.total().skipped(), f.report());
            assertFalse(full.trailer.total().skipped().containsKey(Tally.SOFT_DELETED_MESSAGE));
        }
    }

    /** The catalog's edge cases were really compared, and the documented differences occurred as often as they must. */
    private static void checkCoverage(ManifestCompare c, FixtureManifest m, Storage storage, boolean full) {
        Map<String, Long> n = c.compared;
        String r = c.report();
        assertTrue(ManifestCompare.DOCUMENTED.containsAll(c.documented.keySet()), "only documented differences: " + r);
        assertEquals(full ? m.stores().size() : m.stores().size() - 1, n.get("store"), r);
        assertTrue(n.get("property") > 5000, r);
        assertTrue(n.getOrDefault("embedded message at depth 2", 0L) >= 1, "embedded messages two deep: " + r);
        assertTrue(n.getOrDefault("recipient of object type 8", 0L) >= 1, "distribution-list recipient: " + r);
        assertTrue(n.getOrDefault("missing data (no instance)", 0L) >= 1, r);
        assertTrue(n.getOrDefault("missing data (instance lost)", 0L) >= 1, r);
        assertTrue(n.getOrDefault("empty attachment", 0L) >= 1, r);
        assertTrue(n.getOrDefault("shared instance", 0L) >= 1, r);
        assertTrue(n.getOrDefault("attachment over several Data chunks", 0L) >= 1, r);
        assertTrue(n.getOrDefault("hidden folder", 0L) >= 3, r);
        assertTrue(n.getOrDefault("search folder left out", 0L) >= 1, r);
        assertTrue(n.getOrDefault("acl rows", 0L) >= 10, r);
        assertTrue(n.getOrDefault("receive folder rows", 0L) >= 20, r);
        assertTrue(n.getOrDefault("associated message", 0L) >= 5, r);
        if (storage == Storage.FILES) {
            assertTrue(n.getOrDefault("gzip file decompressed", 0L) >= 3, r);
            assertEquals(1L, n.getOrDefault("raw gzip attachment byte for byte", 0L), "the raw .tar.gz: " + r);
        }
        if (!full) {
            assertTrue(n.getOrDefault("soft-deleted folder left out", 0L) >= 3, r);
            assertTrue(n.getOrDefault("soft-deleted message left out", 0L) >= 5, r);
        }
        // each documented difference as often as the manifest says it must occur
        Map<String, Long> d = c.documented;
        long objects = n.get("store") + n.get("folder") + n.getOrDefault("message", 0L)
                + n.getOrDefault("associated message", 0L) + n.get("recipient") + n.get("attachment")
                + n.keySet().stream().filter(k -> k.startsWith("embedded message at depth")).mapToLong(n::get).sum();
        assertEquals(objects, d.get(ManifestCompare.OBJECT_TYPE), r);
        assertEquals(n.get("attachment"), d.get(ManifestCompare.ATTACH_NUM), r);
        assertTrue(d.getOrDefault(ManifestCompare.RECIPIENT_ENTRYID, 0L) >= 10, r);
        assertTrue(d.getOrDefault(ManifestCompare.IMAP_EMAIL, 0L) >= 1, r);
        assertTrue(d.getOrDefault(ManifestCompare.GRANTEE_KEYWORD, 0L) >= 8, r);
    }
}
