package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.kgmigration.fixture.FixtureManifest;
import org.kgmigration.fixture.Storage;
import org.kgmigration.testsupport.Programs.Result;

/**
 * Issue 3 through the real program: {@code bin/kgdump dump --output=FILE} on a revision-63 {@code files}
 * fixture and a revision-118 {@code files_v2} fixture, the file compared with the fixture manifest by
 * {@link ManifestCompare}, like {@link FixtureDumpTest} does for the in-process dump.
 */
class FixtureDumpIT {
    private static Result dump(FixtureDumps.Built b, Path out, List<String> extra) {
        List<String> a = KgDumpIT.args("dump", "--output=" + out, "--progress=none");
        a.addAll(extra);
        a.addAll(KgDumpIT.source(b.db().name(), b.attachments()));
        return KgDumpIT.kgdump(a).go();
    }

    /** Attachments whose data the manifest lists as lost (at least one of each kind in the catalog). */
    private static long missing(ManifestCompare c) {
        long lost = c.compared.getOrDefault("missing data (instance lost)", 0L);
        long none = c.compared.getOrDefault("missing data (no instance)", 0L);
        assertTrue(lost > 0 && none > 0, c.report());
        return lost + none;
    }

    @Test
    void revision_63_files_fixture_dumped_by_kgdump_matches_its_manifest() throws Exception {
        try (FixtureDumps.Built b = FixtureDumps.build(63, Storage.FILES, 10, 20)) {
            FixtureManifest m = b.manifest();
            Path out = b.dir().resolve("rev63.d1");
            Result r = dump(b, out, List.of());
            assertFalse(Files.exists(out.resolveSibling("rev63.d1.part")));
            DumpTree t = FixtureDumps.read(out);
            assertEquals("files", t.header.attachmentStorage());
            assertEquals(63, t.header.schemaRevision());
            ManifestCompare c = new ManifestCompare(m, t, false, FixtureDumps.guids(m, false)).compareAll();
            assertTrue(c.differences.isEmpty(), c.report());
            // the catalog's lost attachment data is a data problem: exit code 3, named on the PROBLEMS line
            assertEquals(3, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("kgdump: PROBLEMS (see the warnings above): " + missing(c)
                    + " × attachment data missing"), r.stderr());
            assertTrue(r.stderr().contains("1 × search folder"), r.stderr());
            assertEquals(1L, c.compared.get("raw gzip attachment byte for byte"), c.report());
            assertTrue(c.compared.get("gzip file decompressed") >= 3, c.report());
            assertTrue(c.compared.get("soft-deleted folder left out") >= 3, c.report());
            assertTrue(c.compared.get("embedded message at depth 2") >= 1, c.report());
        }
    }

    @Test
    void revision_118_files_v2_fixture_with_everything_selected_matches_its_manifest() throws Exception {
        try (FixtureDumps.Built b = FixtureDumps.build(118, Storage.FILES_V2, 10, 20)) {
            FixtureManifest m = b.manifest();
            Path out = b.dir().resolve("rev118.d1");
            Set<String> all = FixtureDumps.guids(m, true);
            List<String> extra = new java.util.ArrayList<>(List.of("--include-soft-deleted", "--concurrency", "3",
                    "--compress", "--temp-dir", b.dir().toString()));
            all.forEach(g -> extra.addAll(List.of("--store", g)));
            Result r = dump(b, out, extra);
            DumpTree t = FixtureDumps.read(out);
            assertEquals("files_v2", t.header.attachmentStorage());
            assertEquals(Boolean.TRUE, t.header.options().get("includeSoftDeleted"));
            ManifestCompare c = new ManifestCompare(m, t, true, all).compareAll();
            assertTrue(c.differences.isEmpty(), c.report());
            assertEquals(3, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("PROBLEMS (see the warnings above): " + missing(c) + " × attachment data missing"),
                    r.stderr());
            assertEquals(m.stores().size(), c.compared.get("store"), "SYSTEM included: " + c.report());
            assertEquals(1L, c.compared.get("manifest totals"), c.report());
            assertTrue(c.compared.get("soft-deleted message exported") >= 5, c.report());
        }
    }
}
