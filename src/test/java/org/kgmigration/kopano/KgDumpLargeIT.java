package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kgmigration.stream.Sha256;
import org.kgmigration.testsupport.Programs;
import org.kgmigration.testsupport.Programs.Result;
import org.kgmigration.testsupport.RealDataset;

/** Attachments far larger than the heap stream through kgdump (memory does not grow with them). */
class KgDumpLargeIT {
    static final long TWO_GIB = 2L << 30;

    @Test
    void a_2_gib_attachment_file_streams_through_a_256_mib_heap() throws Exception {
        Path out = Programs.tempDir("kgdump-large").resolve("large.d1");
        try (RealDataset ds = RealDataset.load(RealDataset.FILES_V2_DE)) {
            // mitglieder.csv in dora's inbox becomes a 2 GiB + 12345 bytes file (sparse: zeros, no disk space)
            Path content = ds.attachmentsDir()
                    .resolve("02/fb/2cd0851ea0ec9c8849baa1a8b4337910a773d79888b5349a346c00191792/content");
            long size = TWO_GIB + 12345;
            try (RandomAccessFile f = new RandomAccessFile(content.toFile(), "rw")) {
                f.setLength(0);
                f.setLength(size);
                f.seek(size - 3);
                f.write(new byte[] {1, 2, 3});
            }
            List<String> a = KgDumpIT.args("dump", "--output=" + out, "--store", "d522f90309d94872be3832e8afb0e5d3");
            a.addAll(KgDumpIT.source(ds));
            Result r = KgDumpIT.kgdump(a).env("JAVA_OPTS", "-Xmx256m").timeout(900).go();
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(Files.size(out) > TWO_GIB);
            MessageDigest sha = Sha256.digest();
            byte[] zeros = new byte[1 << 20];
            for (long left = size - 3; left > 0; left -= Math.min(left, zeros.length)) {
                sha.update(zeros, 0, (int) Math.min(left, zeros.length));
            }
            sha.update(new byte[] {1, 2, 3});
            String expected = HexFormat.of().formatHex(sha.digest());
            DumpTree t;
            try (InputStream in = Files.newInputStream(out)) {
                t = KgDumpIT.read(in);
            }
            List<DumpTree.AttT> big = t.allTopMessages().stream().flatMap(m -> m.attachments.stream())
                    .filter(x -> x.size == size).toList();
            assertEquals(1, big.size());
            assertEquals(expected, big.get(0).sha256);
            assertEquals(expected, big.get(0).end.sha256());
            assertFalse(big.get(0).end.missing());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void a_300_mib_attachment_in_the_lob_table_streams_through_a_128_mib_heap() throws Exception {
        try (RealDataset ds = RealDataset.load(RealDataset.DATABASE_LOB); Connection c = ds.db().connect()) {
            // lob instance 1 (m31_raw_0042.fits, 5 chunks) grows by 800 chunks of 384 KiB
            for (int from = 5; from < 805; from += 100) {
                EdgeCasesTest.sql(c, "INSERT INTO lob (instanceid, chunkid, tag, val_binary) SELECT 1, seq, 14081, "
                        + "REPEAT(CHAR(65 + seq % 26), 393216) FROM seq_" + from + "_to_" + (from + 99));
            }
            long size = 1728080L + 800L * 393216;
            MessageDigest sha = Sha256.digest();
            try (var st = c.createStatement()) {
                st.setFetchSize(1);
                try (var rs = st.executeQuery("SELECT val_binary FROM lob WHERE instanceid = 1 ORDER BY chunkid")) {
                    while (rs.next()) {
                        sha.update(rs.getBytes(1));
                    }
                }
            }
            String expected = HexFormat.of().formatHex(sha.digest());
            Path out = Programs.tempDir("kgdump-lob").resolve("lob.d1");
            try {
                List<String> a = KgDumpIT.args("dump", "--output=" + out, "--user", "gina@example.net");
                a.addAll(KgDumpIT.source(ds));
                Result r = KgDumpIT.kgdump(a).env("JAVA_OPTS", "-Xmx128m").timeout(900).go();
                assertEquals(0, r.exitCode(), r.stderr());
                DumpTree t;
                try (InputStream in = Files.newInputStream(out)) {
                    t = KgDumpIT.read(in);
                }
                List<DumpTree.AttT> big = t.allTopMessages().stream().flatMap(m -> m.attachments.stream())
                        .filter(x -> x.size == size).toList();
                assertEquals(1, big.size());
                assertEquals(expected, big.get(0).sha256);
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }
}
