package org.kgmigration.importer;

import java.nio.file.Path;
import org.kgmigration.importer.store.StoreLocation;
import org.kgmigration.testsupport.TestDatabase;

/** The import API with its store on the real MariaDB server, attachment data in files (the default). */
class ImportApiMariaDbTest extends ImportApiContract {
    private TestDatabase db;

    @Override
    StoreLocation location(Path dir) throws Exception {
        db = TestDatabase.create("importer");
        return new StoreLocation(db.url(), TestDatabase.user(), TestDatabase.password(), dir.resolve(StoreLocation.BLOB_DIR));
    }

    @Override
    void cleanup() throws Exception {
        if (db != null) {
            db.close();
        }
    }
}
