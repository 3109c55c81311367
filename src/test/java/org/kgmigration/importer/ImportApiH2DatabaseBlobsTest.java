package org.kgmigration.importer;

import java.nio.file.Path;
import org.kgmigration.importer.store.StoreLocation;

/** The import API on the embedded store with attachment data in the database ({@code blob_store: database}). */
class ImportApiH2DatabaseBlobsTest extends ImportApiContract {
    @Override
    StoreLocation location(Path dir) {
        return StoreLocation.embedded(dir).withBlobDir(null);
    }
}
