package org.kgmigration.kopano;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.kgmigration.stream.DumpRecord;

/**
 * Who the local user ids are: {@code users} (id, externid, object class) joined with what the db
 * user plugin keeps in {@code object} / {@code objectproperty} (login, e-mail, full name, group and
 * company names). With LDAP or unix plugins only the externid is known; then the store's
 * {@code user_name} (the login at the last store attach) is the best name there is.
 */
public final class Directory {
    /** {@code users.id} of EVERYONE, owner of the public store of a non-hosted installation. */
    public static final int EVERYONE = 1;
    /** {@code users.id} of SYSTEM, owner of the SYSTEM store; like EVERYONE it has no directory entry. */
    public static final int SYSTEM = 2;
    public static final int ACTIVE_USER = 0x10001;

    /** One {@code users} row with the plugin's data. */
    public record Entry(int id, byte[] externId, int objectClass, int company, String login, String email,
                        String fullName, String groupName, String companyName) {
        /** Whether the object class is a user (active or not) rather than a group or company. */
        public boolean isUser() {
            return (objectClass >>> 16) == 1;
        }

        public String externIdHex() {
            return externId == null ? null : HexFormat.of().formatHex(externId);
        }
    }

    private final Map<Integer, Entry> byId;

    Directory(Map<Integer, Entry> byId) {
        this.byId = Map.copyOf(byId);
    }

    public static Directory load(Connection c, Schema schema) throws SQLException {
        Map<String, Map<String, String>> plugin = new HashMap<>();
        if (schema.dbPlugin()) {
            try (PreparedStatement ps = Sql.prepare(c, "db-plugin-objects.sql"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] ext = rs.getBytes(1);
                    if (ext == null) {
                        continue;
                    }
                    String key = key(ext, rs.getInt(2));
                    byte[] v = rs.getBytes(4);
                    plugin.computeIfAbsent(key, k -> new HashMap<>())
                            .put(rs.getString(3), v == null ? null : new String(v, StandardCharsets.UTF_8));
                }
            }
        }
        Map<Integer, Entry> byId = new HashMap<>();
        try (PreparedStatement ps = Sql.prepare(c, "users.sql"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int id = rs.getInt(1);
                byte[] ext = rs.getBytes(2);
                int cls = rs.getInt(3);
                int company = rs.getInt(4);
                Map<String, String> p = ext == null ? Map.of() : plugin.getOrDefault(key(ext, cls), Map.of());
                byId.put(id, new Entry(id, ext, cls, company, blank(p.get("loginname")), blank(p.get("emailaddress")),
                        blank(p.get("fullname")), blank(p.get("groupname")), blank(p.get("companyname"))));
            }
        }
        return new Directory(byId);
    }

    /** The plugin matches objects by externid and object type (upper 16 bits of the class). */
    private static String key(byte[] externId, int objectClass) {
        return HexFormat.of().formatHex(externId) + ":" + (objectClass >>> 16);
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public Entry get(int id) {
        return byId.get(id);
    }

    /**
     * The owner of a store as far as the database knows it.
     *
     * @param userId        {@code stores.user_id} (0 = unhooked)
     * @param lastOwnerName {@code stores.user_name}
     * @param company       {@code stores.company}
     */
    public DumpRecord.Owner owner(long userId, String lastOwnerName, int company) {
        Entry e = userId == 0 ? null : byId.get((int) userId);
        if (e == null) {
            return new DumpRecord.Owner(userId == 0 ? null : (int) userId, null, null, null, null, null, null,
                    lastOwnerName, company);
        }
        Boolean active = e.isUser() ? e.objectClass() == ACTIVE_USER : null;
        String full = e.fullName() != null ? e.fullName() : e.groupName() != null ? e.groupName() : e.companyName();
        return new DumpRecord.Owner(e.id(), e.isUser() ? e.login() : null, e.email(), full, e.externIdHex(),
                e.objectClass(), active, lastOwnerName, company);
    }

    /**
     * The grantee of an ACL row: {@code everyone} or {@code system} for Kopano's two built-in accounts
     * (named by the server, not the database), a login / group / company name, an e-mail, or null.
     */
    public String principal(int aclId) {
        if (aclId == EVERYONE) {
            return "everyone";
        }
        if (aclId == SYSTEM) {
            return "system";
        }
        Entry e = byId.get(aclId);
        if (e == null) {
            return null;
        }
        if (e.login() != null) {
            return e.login();
        }
        if (e.groupName() != null) {
            return e.groupName();
        }
        if (e.companyName() != null) {
            return e.companyName();
        }
        return e.email();
    }
}
