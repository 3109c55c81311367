package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kgmigration.testsupport.RealDataset;

/**
 * The number of statements (= round trips) one folder costs, as docs/performance.md states it:
 * 1 for the folder's properties, 1 page query per hierarchy-flags value present (per 1000
 * messages), 2 per batch and nesting level, and 1 per attachment read from the lob table.
 */
class RoundTripCountTest {
    static long questions(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Questions'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        // dataset, store GUID, folder path, expected statements, why
        "files_v2-de, d522f90309d94872be3832e8afb0e5d3, IPM_SUBTREE/Posteingang, 6, 1 + 1 page + 2 levels x 2",
        "files_v2-de, d522f90309d94872be3832e8afb0e5d3, IPM_SUBTREE/Kalender, 9, 1 + 2 pages (normal + FAI) + 2x2 + 1x2",
        "files_v2-de, d522f90309d94872be3832e8afb0e5d3, IPM_SUBTREE/Journal, 1, empty folder: its properties only",
        "database-lob, 6305660d864e437eb5befa0f3b1e8df2, IPM_SUBTREE/Inbox, 10, 1 + 1 + 2x2 + 4 lob attachments",
    })
    void a_folder_costs_what_the_performance_notes_say(String name, String guid, String path, long expected, String why)
            throws Exception {
        RealDataset ds = Dumps.dataset(name.trim());
        KopanoSource src = KopanoSource.open(Dumps.config(ds), true);
        StoreInfo store = src.stores().stream().filter(s -> s.guid().equals(guid.trim())).findFirst().orElseThrow();
        // one batch per flags value, so that the count does not depend on message sizes
        DumpOptions opts = DumpOptions.defaults().withBatches(1000, 1L << 40, 1000);
        ReadContext ctx = new ReadContext(src.schema(), src.names(), src.directory(), src.attachments(), opts,
                DumpListener.NONE);
        try (Connection c = src.connector().snapshot()) {
            FolderTree tree = FolderTree.load(c, List.of(store.hid())).get(store.hid());
            FolderTree.census(c, List.of(tree));
            FolderNode folder = tree.all().stream().filter(f -> pathOf(f).equals(path.trim())).findFirst().orElseThrow();
            FolderReader r = new FolderReader(c, ctx, new StoreContext(store, tree, Map.of(), Map.of(), new Tally()));
            List<org.kgmigration.stream.DumpRecord> records = new java.util.ArrayList<>();
            long before = questions(c);
            r.dump(folder, records::add);
            long after = questions(c);
            assertEquals(expected, after - before - 1, why); // - the SHOW STATUS that read 'before'
            assertEquals(folder.id(), ((org.kgmigration.stream.DumpRecord.FolderEnd) records.get(records.size() - 1)).id());
        }
    }

    private static String pathOf(FolderNode f) {
        if (f.parent == null) {
            return "";
        }
        return f.parent.parent == null ? f.name : pathOf(f.parent) + "/" + f.name;
    }
}
