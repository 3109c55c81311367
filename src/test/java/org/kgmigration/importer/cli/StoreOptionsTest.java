package org.kgmigration.importer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.importer.ImporterConfig;
import org.kgmigration.importer.store.StoreLocation;

/** Where the store and its attachment data are, from the configuration's data_dir, store_url and blob_store. */
class StoreOptionsTest {
    @TempDir
    Path tmp;

    private ImporterConfig config(String keys) throws Exception {
        Path f = tmp.resolve("config.yaml");
        Files.writeString(f, "e4a:\n  adminrpc:\n    importer:\n      data_dir: " + tmp.resolve("data") + "\n" + keys);
        return ImporterConfig.load(f);
    }

    @Test
    void attachment_data_goes_to_data_dir_blobs_unless_blob_store_is_database() throws Exception {
        StoreOptions o = new StoreOptions();
        Path blobs = tmp.resolve("data").resolve(StoreLocation.BLOB_DIR);
        assertEquals(blobs, o.location(config("")).blobDir());
        assertEquals(blobs, o.location(config("      blob_store: files\n")).blobDir());
        assertNull(o.location(config("      blob_store: database\n")).blobDir());
        StoreLocation maria = o.location(config("      store_url: jdbc:mariadb://db.example.org/e4a\n"));
        assertEquals(blobs, maria.blobDir(), "a MariaDB store keeps its attachment data in data_dir/blobs too");
        assertNull(o.location(config("      store_url: jdbc:mariadb://db.example.org/e4a\n      blob_store: database\n")).blobDir());
        ImporterConfig.ConfigException e = assertThrows(ImporterConfig.ConfigException.class,
                () -> config("      blob_store: s3\n"));
        assertTrue(e.getMessage().contains("blob_store") && e.getMessage().contains("files, database"), e.getMessage());
    }
}
