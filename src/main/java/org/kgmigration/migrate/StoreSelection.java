package org.kgmigration.migrate;

import java.util.Collection;
import org.kgmigration.error.UsageException;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.StoreSelector;

/**
 * The store selectors of {@code migrate import} ({@code --user}, {@code --store}, {@code --public},
 * {@code --exclude-user}, {@code --exclude-store}), with exactly the meaning they have in
 * {@code kgdump dump}: both use {@link StoreSelector}.
 */
public final class StoreSelection {
    private final StoreSelector selector;

    public StoreSelection(Collection<String> users, Collection<String> stores, boolean publicStores,
            Collection<String> excludeUsers, Collection<String> excludeStores) {
        try {
            this.selector = new StoreSelector(users, stores, publicStores, excludeUsers, excludeStores);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    public static StoreSelection all() {
        return new StoreSelection(null, null, false, null, null);
    }

    public boolean matches(DumpRecord.Store s) {
        return selector.matches(s);
    }

    /** Null when every selector matches a store of {@code all}, else the one-line problem. */
    public String problem(Collection<DumpRecord.Store> all) {
        try {
            selector.checkAllMatch(all);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** {@code login <email>} of a store's owner, for messages and the report. */
    public static String ownerLabel(DumpRecord.Store s) {
        if (s.owner() == null) {
            return "public".equals(s.type()) ? "public" : "?";
        }
        return StoreSelector.ownerLabel(s);
    }
}
