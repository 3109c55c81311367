package org.kgmigration.kopano;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One folder of a store's tree: identity, hierarchy flags, and (after the census) how many messages
 * it holds per hierarchy-flags value. Small on purpose: the tree of a store stays in memory.
 */
public final class FolderNode {
    public static final int FLAG_DELETED = 0x400;
    public static final int FLAG_ASSOCIATED = 0x40;

    final long hid;
    final Long parentHid;
    final int flags;
    byte[] entryId;
    byte[] sourceKey;
    String name;
    FolderNode parent;
    final List<FolderNode> children = new ArrayList<>();
    /** hierarchy.flags value of the messages → {count, sum of PR_MESSAGE_SIZE}. */
    final Map<Integer, long[]> census = new TreeMap<>();

    FolderNode(long hid, Long parentHid, int flags) {
        this.hid = hid;
        this.parentHid = parentHid;
        this.flags = flags;
    }

    public long hid() {
        return hid;
    }

    public String name() {
        return name;
    }

    /** A search folder (folder type 2): its contents live elsewhere. */
    public boolean isSearch() {
        return (flags & 3) == 2;
    }

    /** This folder is soft-deleted itself. */
    public boolean isDeletedItself() {
        return (flags & FLAG_DELETED) != 0;
    }

    /** Soft-deleted itself or below a soft-deleted folder (Kopano marks only the top of a deleted subtree). */
    public boolean isDeleted() {
        return isDeletedItself() || parent != null && parent.isDeleted();
    }

    /** Below a search folder (or one itself). */
    public boolean inSearch() {
        return isSearch() || parent != null && parent.inSearch();
    }

    /** The stable identity: PR_SOURCE_KEY hex, else {@code eid:<PR_ENTRYID hex>}, else {@code hid:<id>}. */
    public String id() {
        return stableId(sourceKey, entryId, hid);
    }

    static String stableId(byte[] sourceKey, byte[] entryId, long hid) {
        if (sourceKey != null && sourceKey.length > 0) {
            return HexFormat.of().formatHex(sourceKey);
        }
        if (entryId != null && entryId.length > 0) {
            return "eid:" + HexFormat.of().formatHex(entryId);
        }
        return "hid:" + hid;
    }

    /** Path of display names from the root folder, for messages. */
    public String path() {
        if (parent == null) {
            return name == null ? "(root folder)" : name;
        }
        String p = parent.parent == null ? "" : parent.path() + "/";
        return p + (name == null ? "(unnamed folder " + hid + ")" : name);
    }

    /** Messages with hierarchy flags matching {@code mask}/{@code value}: {count, bytes}. */
    long[] count(int mask, int value) {
        long[] out = new long[2];
        census.forEach((f, c) -> {
            if ((f & mask) == value) {
                out[0] += c[0];
                out[1] += c[1];
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "folder " + hid + " '" + path() + "'";
    }
}
