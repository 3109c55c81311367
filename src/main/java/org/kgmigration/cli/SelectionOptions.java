package org.kgmigration.cli;

import org.kgmigration.error.UsageException;
import java.util.ArrayList;
import java.util.List;
import org.kgmigration.stream.StoreSelector;
import picocli.CommandLine.Option;

/** Which stores: the selectors shared by {@code kgdump dump} and {@code migrate import} (see StoreSelector). */
public final class SelectionOptions {
    @Option(names = "--user", paramLabel = "NAME",
            description = "the store(s) of this user: login name, e-mail address or last owner name (repeatable)")
    List<String> users = new ArrayList<>();

    @Option(names = "--store", paramLabel = "GUID", description = "the store with this GUID (repeatable)")
    List<String> stores = new ArrayList<>();

    @Option(names = "--public", description = "the public store(s)")
    boolean publicStores;

    @Option(names = "--exclude-user", paramLabel = "NAME", description = "leave out this user's store(s) (repeatable)")
    List<String> excludeUsers = new ArrayList<>();

    @Option(names = "--exclude-store", paramLabel = "GUID", description = "leave out this store (repeatable)")
    List<String> excludeStores = new ArrayList<>();

    /** The selector; a malformed GUID is a usage error. */
    public StoreSelector selector() {
        try {
            return new StoreSelector(users, stores, publicStores, excludeUsers, excludeStores);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
