package org.kgmigration.kopano;

import java.util.List;
import java.util.Map;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.StoreSelector;

/**
 * A row of {@code stores} with its owner.
 *
 * @param hid       hierarchy id of the store object
 * @param guid      store GUID, 32 lowercase hex digits
 * @param storeType {@code stores.type}: 0 private, 1 public, 2 archive
 * @param kind      {@code private}, {@code public}, {@code archive} or {@code orphan} (owner unknown)
 * @param flags     hierarchy flags of the store object (0x400 = removed, awaiting purge)
 * @param owner     what the database knows about the owner
 */
public record StoreInfo(long hid, String guid, int storeType, String kind, int flags, DumpRecord.Owner owner) {

    /** The SYSTEM store (owner SYSTEM): practically empty, not dumped unless selected by GUID. */
    public boolean isSystem() {
        return owner != null && owner.userId() != null && owner.userId() == StoreSelector.SYSTEM_USER_ID;
    }

    /** The store as a record without contents, for {@link StoreSelector}. */
    public DumpRecord.Store selectable() {
        return new DumpRecord.Store(guid, kind, owner, List.of(), List.of(), List.of(), Map.of());
    }

    /** Owner name for messages and tables. */
    public String label() {
        return isSystem() ? "SYSTEM" : StoreSelector.ownerLabel(selectable());
    }
}
