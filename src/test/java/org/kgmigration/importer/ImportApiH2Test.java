package org.kgmigration.importer;

import java.nio.file.Path;
import org.kgmigration.importer.store.StoreLocation;

/** The import API on the embedded store (H2 file database). */
class ImportApiH2Test extends ImportApiContract {
    @Override
    StoreLocation location(Path dir) {
        return StoreLocation.embedded(dir);
    }
}
