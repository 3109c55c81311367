package org.kgmigration.kopano;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.kgmigration.stream.StoreSelector;
import org.kgmigration.testsupport.RealDataset;
import org.kgmigration.testsupport.TestDatabase;

/** Test helpers: the source settings of a restored dataset, and running a dump into a {@link DumpTree}. */
final class Dumps {
    private static final Map<String, RealDataset> LOADED = new HashMap<>();

    private Dumps() {
    }

    /** The dataset, restored once per test JVM (tests only read it). */
    static synchronized RealDataset dataset(String name) {
        return LOADED.computeIfAbsent(name, n -> {
            try {
                RealDataset ds = RealDataset.load(n);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        ds.close();
                    } catch (SQLException ignored) {
                        // the test server is dropped with the run
                    }
                }));
                return ds;
            } catch (IOException | SQLException e) {
                throw new IllegalStateException("cannot restore " + n, e);
            }
        });
    }

    static SourceConfig config(String database, Path attachments) {
        return new SourceConfig(TestDatabase.host(), TestDatabase.port(), null, database, TestDatabase.user(),
                TestDatabase.password(), attachments, SourceConfig.Storage.AUTO, null, null, null);
    }

    static SourceConfig config(RealDataset ds) {
        return config(ds.db().name(), ds.attachmentsDir());
    }

    static DumpTree dump(SourceConfig cfg, DumpOptions options, StoreSelector selector) throws IOException {
        KopanoSource src = KopanoSource.open(cfg, true);
        DumpTree tree = new DumpTree();
        MemorySpool spool = new MemorySpool(tree);
        KopanoDump d = new KopanoDump(src, options, selector, tree, spool, null, DumpListener.NONE, "test");
        try {
            d.prepare();
            d.begin();
            for (StoreInfo s : d.stores()) {
                d.dumpStore(s);
            }
            d.finish();
        } finally {
            d.cleanup();
        }
        return tree;
    }

    static DumpTree dump(RealDataset ds, DumpOptions options) throws IOException {
        return dump(config(ds), options, StoreSelector.all());
    }
}
