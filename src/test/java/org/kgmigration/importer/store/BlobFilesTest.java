package org.kgmigration.importer.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.importer.BadRequestException;

/** Attachment data in pack files beside the embedded store: written, read, cleaned up, guarded. */
class BlobFilesTest {
    private static final long MAX = 1L << 30;

    @TempDir
    Path tmp;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static byte[] read(MailboxStore s, String sha) throws Exception {
        try (InputStream in = s.openBlob(sha)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private List<Path> packs(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".pack")).toList();
        }
    }

    private Path blobs() {
        return tmp.resolve(StoreLocation.BLOB_DIR);
    }

    @Test
    void an_upload_goes_into_a_pack_file_of_its_own_and_reads_back() throws Exception {
        try (MailboxStore s = MailboxStore.open(StoreLocation.embedded(tmp))) {
            assertEquals(blobs(), s.blobDir());
            byte[] big = random(3 * MailboxStore.CHUNK + 17, 1);
            assertTrue(s.putBlob(sha(big), new ByteArrayInputStream(big), MAX));
            List<Path> p = packs(blobs());
            assertEquals(1, p.size(), p.toString());
            assertEquals(big.length, Files.size(p.get(0)));
            assertEquals(p.get(0).getFileName().toString().substring(0, 2), p.get(0).getParent().getFileName().toString());
            assertArrayEquals(big, read(s, sha(big)));
            assertEquals(big.length, s.blobSize(sha(big)));
            // the same data again: nothing new
            assertFalse(s.putBlob(sha(big), new ByteArrayInputStream(big), MAX));
            assertEquals(1, packs(blobs()).size());
            // refused uploads leave no file
            byte[] other = random(1000, 2);
            assertThrows(BadRequestException.class, () -> s.putBlob(sha(big).replace('a', 'b').replace('0', '1'),
                    new ByteArrayInputStream(other), MAX));
            assertThrows(BadRequestException.class, () -> s.putBlob(sha(other), new ByteArrayInputStream(other), 999));
            assertEquals(1, packs(blobs()).size());
            assertEquals(1, s.blobCount());
            assertNull(s.openBlob(sha(other)));
        }
    }

    @Test
    void a_batch_appends_its_inline_data_to_one_pack_and_a_failed_batch_leaves_none() throws Exception {
        try (MailboxStore s = MailboxStore.open(StoreLocation.embedded(tmp))) {
            s.addUser("anna@example.org", null, true, null);
            List<byte[]> data = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                data.add(random(100 + 1000 * i, 10 + i));
            }
            int stored = s.write("anna@example.org", w -> {
                for (byte[] d : data) {
                    try {
                        w.stageBlob(sha(d), d);
                        w.stageBlob(sha(d), d); // twice in one batch: stored once
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                w.finish();
                return w.blobsStored();
            });
            assertEquals(5, stored);
            List<Path> p = packs(blobs());
            assertEquals(1, p.size());
            assertEquals(data.stream().mapToLong(d -> d.length).sum(), Files.size(p.get(0)));
            for (byte[] d : data) {
                assertArrayEquals(d, read(s, sha(d)));
            }
            // a batch that fails after staging: its pack is removed, no row
            byte[] lost = random(5000, 99);
            assertThrows(IllegalStateException.class, () -> s.write("anna@example.org", w -> {
                try {
                    w.stageBlob(sha(lost), lost);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("the batch fails");
            }));
            assertEquals(1, packs(blobs()).size());
            assertNull(s.blobSize(sha(lost)));
            // a batch whose data is all stored already writes no pack
            s.write("anna@example.org", w -> {
                try {
                    w.stageBlob(sha(data.get(0)), data.get(0));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            assertEquals(1, packs(blobs()).size());
            assertEquals(0, s.removeIncompleteUploads(Instant.now().plusSeconds(5)));
        }
    }

    @Test
    void packs_no_row_names_are_removed_at_start_newer_ones_only_when_asked() throws Exception {
        byte[] kept = random(4000, 5);
        try (MailboxStore s = MailboxStore.open(StoreLocation.embedded(tmp))) {
            assertTrue(s.putBlob(sha(kept), new ByteArrayInputStream(kept), MAX));
        }
        BlobFiles files = new BlobFiles(blobs());
        BlobFiles.Pack old;
        BlobFiles.Pack fresh;
        try (BlobFiles.Pack a = files.create(); BlobFiles.Pack b = files.create()) {
            a.append(new byte[10], 0, 10);
            b.append(new byte[20], 0, 20);
            old = a;
            fresh = b;
        }
        Path oldFile = packs(blobs()).stream().filter(p -> p.toString().contains(old.name())).findFirst().orElseThrow();
        Files.setLastModifiedTime(oldFile, FileTime.from(Instant.now().minusSeconds(3600)));
        try (MailboxStore s = MailboxStore.open(StoreLocation.embedded(tmp))) {
            // the left-over from before this process started goes; the one written now stays
            assertEquals(1, s.removeIncompleteUploads(Instant.now().minusSeconds(60)));
            assertEquals(2, packs(blobs()).size());
            assertTrue(packs(blobs()).stream().noneMatch(p -> p.toString().contains(old.name())));
            assertEquals(1, s.removeIncompleteUploads(Instant.now().plusSeconds(5)));
            assertTrue(packs(blobs()).stream().noneMatch(p -> p.toString().contains(fresh.name())));
            assertArrayEquals(kept, read(s, sha(kept)));
        }
    }

    @Test
    void data_kept_in_the_database_stays_readable_when_the_store_moves_to_files() throws Exception {
        StoreLocation inDb = StoreLocation.embedded(tmp).withBlobDir(null);
        byte[] old = random(2 * MailboxStore.CHUNK + 5, 7);
        try (MailboxStore s = MailboxStore.open(inDb)) {
            assertNull(s.blobDir());
            assertTrue(s.putBlob(sha(old), new ByteArrayInputStream(old), MAX));
            assertArrayEquals(old, read(s, sha(old)));
        }
        assertEquals(List.of(), packs(blobs()), "database mode writes no files");
        // make it a version-2 store: no pack_offset column yet
        StoreLocation loc = StoreLocation.embedded(tmp);
        try (Connection c = DriverManager.getConnection(loc.url(), loc.user(), loc.password());
             Statement st = c.createStatement()) {
            st.execute("DROP INDEX imp_blob_upload");
            st.execute("ALTER TABLE imp_blob DROP COLUMN pack_offset");
            st.executeUpdate("UPDATE imp_meta SET val = '2' WHERE name = 'schema_version'");
        }
        byte[] fresh = random(70000, 8);
        try (MailboxStore s = MailboxStore.open(loc)) {
            assertArrayEquals(old, read(s, sha(old)));
            assertTrue(s.putBlob(sha(fresh), new ByteArrayInputStream(fresh), MAX));
            assertArrayEquals(fresh, read(s, sha(fresh)));
            assertEquals(2, s.blobCount());
        }
        try (Connection c = DriverManager.getConnection(loc.url(), loc.user(), loc.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT val FROM imp_meta WHERE name = 'schema_version'")) {
            assertTrue(rs.next());
            assertEquals(String.valueOf(Schema.VERSION), rs.getString(1));
        }
        assertEquals(1, packs(blobs()).size());
        // once data is in files, the store refuses to run without them
        StoreException e = assertThrows(StoreException.class, () -> MailboxStore.open(inDb).close());
        assertTrue(e.getMessage().contains("blob_store"), e.getMessage());
    }

    @Test
    void a_store_is_never_opened_with_another_stores_attachment_directory() throws Exception {
        Path shared = tmp.resolve("shared-blobs");
        StoreLocation a = StoreLocation.embedded(tmp.resolve("a")).withBlobDir(shared);
        StoreLocation b = StoreLocation.embedded(tmp.resolve("b")).withBlobDir(shared);
        byte[] d = random(100, 3);
        try (MailboxStore s = MailboxStore.open(a)) {
            assertTrue(s.putBlob(sha(d), new ByteArrayInputStream(d), MAX));
        }
        StoreException e = assertThrows(StoreException.class, () -> MailboxStore.open(b).close());
        assertTrue(e.getMessage().contains("belongs to another mailbox store"), e.getMessage());
        // and a store whose data is in files is not opened with an empty directory
        StoreException moved = assertThrows(StoreException.class,
                () -> MailboxStore.open(a.withBlobDir(tmp.resolve("elsewhere"))).close());
        assertTrue(moved.getMessage().contains("data_dir"), moved.getMessage());
        try (MailboxStore s = MailboxStore.open(a)) {
            assertArrayEquals(d, read(s, sha(d)));
        }
    }

    @Test
    void a_second_importer_with_its_own_directory_is_refused_even_before_any_data_is_in_files() throws Exception {
        // one store database (the MariaDB case: two importers, each with its own data_dir)
        StoreLocation first = StoreLocation.embedded(tmp).withBlobDir(tmp.resolve("importer-1/blobs"));
        StoreLocation second = first.withBlobDir(tmp.resolve("importer-2/blobs"));
        try (MailboxStore s = MailboxStore.open(first)) {
            assertEquals(tmp.resolve("importer-1/blobs").toAbsolutePath().normalize(), s.blobDir());
            assertEquals(List.of(), packs(tmp.resolve("importer-1/blobs")), "no data yet");
        }
        StoreException e = assertThrows(StoreException.class, () -> MailboxStore.open(second).close());
        assertTrue(e.getMessage().contains("has none"), e.getMessage());
        assertTrue(e.getMessage().contains("blob_store: database"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("importer-2/blobs").resolve(BlobFiles.ID_FILE)),
                "the second directory did not take the store's id");
        byte[] d = random(5000, 5);
        try (MailboxStore s = MailboxStore.open(first)) {
            assertTrue(s.putBlob(sha(d), new ByteArrayInputStream(d), MAX));
        }
        assertThrows(StoreException.class, () -> MailboxStore.open(second).close());
        try (MailboxStore s = MailboxStore.open(first)) {
            assertArrayEquals(d, read(s, sha(d)));
        }
    }

    @Test
    void a_truncated_pack_is_an_error_not_short_data() throws Exception {
        byte[] d = random(9000, 4);
        try (MailboxStore s = MailboxStore.open(StoreLocation.embedded(tmp))) {
            assertTrue(s.putBlob(sha(d), new ByteArrayInputStream(d), MAX));
            Path p = packs(blobs()).get(0);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(8000);
            }
            StoreException e = assertThrows(StoreException.class, () -> s.openBlob(sha(d)));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }
}
