package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kgmigration.stream.DumpReader;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.DumpValidator;
import org.kgmigration.stream.DumpWriter;
import org.kgmigration.stream.StoreSelector;
import org.kgmigration.testsupport.RealDataset;

/**
 * The dump through the real codec: written with DumpWriter (folders spooled with --concurrency 4),
 * read back with DumpReader and checked by DumpValidator, it is record for record the dump the
 * reader produced, and still matches Kopano's MAPI view.
 */
class StreamRoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"files_v2-de,1,false", "files_v2-de,4,true", "database-lob,1,true", "database-lob,4,false"})
    void written_and_read_back_the_dump_is_unchanged(String name, int concurrency, boolean compress) throws Exception {
        RealDataset ds = Dumps.dataset(name);
        Path file = tmp.resolve("x.d1");
        Path spools = Files.createDirectories(tmp.resolve("spools"));
        KopanoDump d;
        try (DumpWriter w = new DumpWriter(Files.newOutputStream(file), compress)) {
            d = new KopanoDump(KopanoSource.open(Dumps.config(ds), true), DumpOptions.defaults().withConcurrency(concurrency),
                    StoreSelector.all(), w, new DumpWriterSpool(w), spools, DumpListener.NONE, "test");
            d.prepare();
            d.begin();
            for (StoreInfo s : d.stores()) {
                d.dumpStore(s);
            }
            d.finish();
            d.cleanup();
            assertTrue(w.complete());
        }
        try (Stream<Path> left = Files.list(spools)) {
            assertEquals(0, left.count(), "no spool left behind");
        }
        DumpTree back = new DumpTree();
        try (InputStream in = Files.newInputStream(file); DumpReader r = new DumpReader(in)) {
            DumpValidator v = new DumpValidator(r);
            DumpRecord rec;
            while ((rec = v.next()) != null) {
                back.write(rec);
            }
            assertTrue(v.complete());
            assertEquals(compress, r.compressed());
        }
        assertEquals(RealDataDumpTest.defaultDump(name).digest(), back.digest());
        assertEquals(concurrency, ((Number) back.header.options().get("concurrency")).intValue());
        MapiCompare c = new MapiCompare(back);
        c.compareAll(ds.mapiProps());
        assertTrue(c.differences.isEmpty(), String.join("\n", c.differences));
    }
}
