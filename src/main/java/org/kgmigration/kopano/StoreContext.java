package org.kgmigration.kopano;

import java.util.List;
import java.util.Map;
import org.kgmigration.stream.DumpRecord;

/** What the readers of one store share: the store, its tree, folder roles and permissions, the counters. */
final class StoreContext {
    final StoreInfo store;
    final FolderTree tree;
    /** folder hid → role. */
    final Map<Long, String> roles;
    /** store/folder hid → permissions. */
    final Map<Long, List<DumpRecord.Acl>> acls;
    final Tally tally;

    StoreContext(StoreInfo store, FolderTree tree, Map<Long, String> roles, Map<Long, List<DumpRecord.Acl>> acls,
                 Tally tally) {
        this.store = store;
        this.tree = tree;
        this.roles = roles;
        this.acls = acls;
        this.tally = tally;
    }

    String describe() {
        return "store " + store.guid() + " (" + store.label() + ")";
    }
}
