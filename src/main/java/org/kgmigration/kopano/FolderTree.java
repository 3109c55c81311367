package org.kgmigration.kopano;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The folder tree of a store, read level by level ({@code parent IN (...)}, no recursive SQL: ZCP-era
 * servers lack it), with every folder's entry id, source key and display name, and the message
 * census per folder. Walking the tree top-down never meets orphaned rows.
 */
public final class FolderTree {
    /** Ids per IN list. */
    static final int CHUNK = 1000;
    private static final int MAX_DEPTH = 256;

    private final long storeHid;
    private final List<FolderNode> roots = new ArrayList<>();
    private final Map<Long, FolderNode> byHid = new LinkedHashMap<>();

    FolderTree(long storeHid) {
        this.storeHid = storeHid;
    }

    public long storeHid() {
        return storeHid;
    }

    public List<FolderNode> roots() {
        return roots;
    }

    public FolderNode get(long hid) {
        return byHid.get(hid);
    }

    public Collection<FolderNode> all() {
        return byHid.values();
    }

    /** All folders, parents before children, siblings in id order. */
    public List<FolderNode> preorder() {
        List<FolderNode> out = new ArrayList<>(byHid.size());
        for (FolderNode r : roots) {
            walk(r, out);
        }
        return out;
    }

    private static void walk(FolderNode n, List<FolderNode> out) {
        out.add(n);
        for (FolderNode c : n.children) {
            walk(c, out);
        }
    }

    /** Reads the trees of the given stores (by store hierarchy id) together, one query per level and chunk. */
    static Map<Long, FolderTree> load(Connection c, Collection<Long> storeHids) throws SQLException {
        Map<Long, FolderTree> trees = new LinkedHashMap<>();
        Map<Long, FolderTree> treeOf = new HashMap<>();
        Map<Long, FolderNode> nodeOf = new HashMap<>();
        for (long s : storeHids) {
            FolderTree t = new FolderTree(s);
            trees.put(s, t);
            treeOf.put(s, t);
        }
        List<Long> parents = new ArrayList<>(storeHids);
        for (int depth = 0; !parents.isEmpty() && depth < MAX_DEPTH; depth++) {
            List<Long> next = new ArrayList<>();
            for (int i = 0; i < parents.size(); i += CHUNK) {
                List<Long> chunk = parents.subList(i, Math.min(parents.size(), i + CHUNK));
                try (PreparedStatement ps = Sql.prepare(c, "folder-level.sql", Map.of(), chunk);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long hid = rs.getLong(1);
                        long parent = rs.getLong(2);
                        FolderTree tree = treeOf.get(parent);
                        if (tree == null || (nodeOf.containsKey(hid) && treeOf.get(hid) != tree)) {
                            continue; // a cycle or a folder reached twice: ignore
                        }
                        FolderNode n = nodeOf.get(hid);
                        if (n == null) {
                            n = new FolderNode(hid, parent, rs.getInt(3));
                            FolderNode p = nodeOf.get(parent);
                            n.parent = p;
                            if (p == null) {
                                tree.roots.add(n);
                            } else {
                                p.children.add(n);
                            }
                            nodeOf.put(hid, n);
                            treeOf.put(hid, tree);
                            tree.byHid.put(hid, n);
                            next.add(hid);
                        }
                        int tag = rs.getInt(4);
                        if (!rs.wasNull()) {
                            if (tag == 4095) {
                                n.entryId = rs.getBytes(5);
                            } else if (tag == 26080) {
                                n.sourceKey = rs.getBytes(5);
                            }
                        }
                        byte[] name = rs.getBytes(6);
                        if (name != null && n.name == null) {
                            n.name = new String(name, StandardCharsets.UTF_8);
                        }
                    }
                }
            }
            parents = next;
        }
        Comparator<FolderNode> byId = Comparator.comparingLong(n -> n.hid);
        for (FolderTree t : trees.values()) {
            t.roots.sort(byId);
            t.byHid.values().forEach(n -> n.children.sort(byId));
        }
        return trees;
    }

    /** Fills every folder's message census (count and size per hierarchy-flags value). */
    static void census(Connection c, Collection<FolderTree> trees) throws SQLException {
        Map<Long, FolderNode> all = new HashMap<>();
        for (FolderTree t : trees) {
            all.putAll(t.byHid);
        }
        List<Long> ids = new ArrayList<>(all.keySet());
        for (int i = 0; i < ids.size(); i += CHUNK) {
            List<Long> chunk = ids.subList(i, Math.min(ids.size(), i + CHUNK));
            try (PreparedStatement ps = Sql.prepare(c, "message-census.sql", Map.of(), chunk);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    FolderNode n = all.get(rs.getLong(1));
                    if (n != null) {
                        n.census.put(rs.getInt(2), new long[] {rs.getLong(3), rs.getLong(4)});
                    }
                }
            }
        }
    }
}
