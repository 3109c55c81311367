package org.kgmigration.kopano;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.kgmigration.fixture.FixtureManifest;
import org.kgmigration.fixture.KopanoFixture;
import org.kgmigration.fixture.SizeDistribution;
import org.kgmigration.fixture.Storage;
import org.kgmigration.stream.DumpReader;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.DumpValidator;
import org.kgmigration.stream.DumpWriter;
import org.kgmigration.stream.StoreSelector;
import org.kgmigration.testsupport.TestDatabase;

/** Test helpers: a fixture database with its attachment directory, dumped through the real codec and read back. */
final class FixtureDumps {
    private FixtureDumps() {
    }

    /** A fixture: its database, the directory holding the attachments and the manifest, and the manifest. */
    record Built(TestDatabase db, Path dir, FixtureManifest manifest) implements AutoCloseable {
        Path attachments() {
            return Path.of(manifest.header().attachmentsDir());
        }

        SourceConfig config() {
            return Dumps.config(db.name(), attachments());
        }

        @Override
        public void close() throws SQLException {
            db.close();
            delete(dir);
        }
    }

    /**
     * The catalog (every edge case) plus 2 generated users with 10 mails each, half of them with an
     * attachment of 1 byte to 2.5 MB (so that some span several lob chunks and several Data records).
     */
    static Built build(int revision, Storage storage, int l1, int l2) throws IOException, SQLException {
        Path dir = Files.createTempDirectory("kgm-fixture-dump-");
        TestDatabase db = TestDatabase.create("fxd" + revision + storage.name().toLowerCase());
        try {
            FixtureManifest m = KopanoFixture.builder().seed(20 + revision).revision(revision).storage(storage)
                    .filesFanout(l1, l2).attachmentsDir(dir.resolve("attachments"))
                    .scale(2, 10, 0.5, SizeDistribution.uniform(1, 2_500_000)).build(db);
            return new Built(db, dir, m);
        } catch (IOException | SQLException | RuntimeException e) {
            db.close();
            delete(dir);
            throw e;
        }
    }

    /**
     * Dumps in-process into a {@link DumpWriter} writing {@code file} (folders spooled through the
     * writer with concurrency above 1), then reads the file back through {@link DumpReader} and
     * {@link DumpValidator}.
     */
    static DumpTree dumpViaFile(SourceConfig cfg, DumpOptions options, StoreSelector selector, boolean compress, Path file)
            throws IOException {
        Path spools = Files.createDirectories(file.resolveSibling(file.getFileName() + ".spools"));
        try (DumpWriter w = new DumpWriter(Files.newOutputStream(file), compress)) {
            KopanoDump d = new KopanoDump(KopanoSource.open(cfg, true), options, selector, w, new DumpWriterSpool(w),
                    spools, DumpListener.NONE, "test");
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
            if (!w.complete()) {
                throw new IllegalStateException("the writer did not see a complete dump");
            }
        }
        try (Stream<Path> left = Files.list(spools)) {
            if (left.findAny().isPresent()) {
                throw new IllegalStateException("spool files left behind in " + spools);
            }
        }
        Files.delete(spools);
        return read(file);
    }

    /** Reads a dump file through the validating reader into a tree. */
    static DumpTree read(Path file) throws IOException {
        DumpTree t = new DumpTree();
        try (InputStream in = Files.newInputStream(file); DumpReader r = new DumpReader(in)) {
            DumpValidator v = new DumpValidator(r);
            DumpRecord rec;
            while ((rec = v.next()) != null) {
                t.write(rec);
            }
            if (!v.complete()) {
                throw new IllegalStateException("the dump " + file + " is not complete");
            }
        }
        return t;
    }

    /** GUIDs of the manifest's stores; the SYSTEM store only when asked. */
    static Set<String> guids(FixtureManifest m, boolean withSystem) {
        Set<String> out = new TreeSet<>();
        for (FixtureManifest.Store s : m.stores()) {
            if (withSystem || !"system".equals(s.kind())) {
                out.add(s.guid());
            }
        }
        return out;
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
