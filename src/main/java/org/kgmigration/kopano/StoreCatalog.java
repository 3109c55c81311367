package org.kgmigration.kopano;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kgmigration.stream.DumpRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Lists the stores of a Kopano database with their owners, folder trees and counts. */
public final class StoreCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCatalog.class);
    /** Stores whose trees are read together (bounds the memory of the listing). */
    static final int STORES_PER_ROUND = 100;

    private StoreCatalog() {
    }

    /** Every row of {@code stores} (stores whose object vanished are reported and left out). */
    public static List<StoreInfo> stores(Connection c, Directory dir) throws SQLException {
        List<StoreInfo> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "stores.sql"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long hid = rs.getLong(1);
                byte[] guid = rs.getBytes(2);
                int type = rs.getInt(3);
                long userId = rs.getLong(4);
                byte[] name = rs.getBytes(5);
                int company = rs.getInt(6);
                int flags = rs.getInt(7);
                if (!rs.getBoolean(8)) {
                    LOG.warn("stores row for hierarchy id {} (GUID {}) has no store object in hierarchy; left out",
                            hid, guid == null ? "?" : HexFormat.of().formatHex(guid));
                    continue;
                }
                String guidHex = guid == null ? "" : HexFormat.of().formatHex(guid);
                if (guid == null || guid.length != 16) {
                    LOG.warn("store with hierarchy id {} has a GUID of {} bytes", hid, guid == null ? 0 : guid.length);
                }
                DumpRecord.Owner owner = dir.owner(userId, name == null ? null : new String(name, StandardCharsets.UTF_8),
                        company);
                String kind = switch (type) {
                    case 1 -> "public";
                    case 2 -> "archive";
                    default -> "private";
                };
                if (userId == 0 || dir.get((int) userId) == null) {
                    kind = "orphan";
                }
                out.add(new StoreInfo(hid, guidHex, type, kind, flags, owner));
            }
        }
        return out;
    }

    /** Store objects removed with {@code kopano-storeadm -R} that still await the soft-delete purge. */
    public static long removedStores(Connection c) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "removed-stores.sql"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Folder trees with census of the given stores. */
    public static Map<Long, FolderTree> trees(Connection c, List<StoreInfo> stores) throws SQLException {
        List<Long> hids = stores.stream().map(StoreInfo::hid).toList();
        Map<Long, FolderTree> trees = FolderTree.load(c, hids);
        FolderTree.census(c, trees.values());
        return trees;
    }

    /** Counts for every store, reading the trees of {@value #STORES_PER_ROUND} stores at a time. */
    public static Map<StoreInfo, StoreStats> stats(Connection c, List<StoreInfo> stores) throws SQLException {
        Map<StoreInfo, StoreStats> out = new LinkedHashMap<>();
        for (int i = 0; i < stores.size(); i += STORES_PER_ROUND) {
            List<StoreInfo> round = stores.subList(i, Math.min(stores.size(), i + STORES_PER_ROUND));
            Map<Long, FolderTree> trees = trees(c, round);
            for (StoreInfo s : round) {
                out.put(s, StoreStats.of(trees.get(s.hid())));
            }
        }
        return out;
    }
}
