package org.kgmigration.kopano;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.kgmigration.stream.PropName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves property ids of 0x8000 and up to their names (kopano-database.md §4): 0x8000–0x8380 by
 * the fixed map of Kopano's client library, 0x8501 + n by row n of the {@code names} table. Ids
 * without a name (0x8381–0x8500, rows that vanished, guids that are not 16 bytes) resolve to null.
 */
public final class NamedProps {
    private static final Logger LOG = LoggerFactory.getLogger(NamedProps.class);
    /** Property id of names row 0: the server hands out id + 1, the client adds 0x8500. */
    public static final int NAMES_BASE = 0x8501;
    /** The fixed map ends here (inclusive); the last row, PSETID_KC, exists since KC 10. */
    public static final int FIXED_LAST = 0x8380;

    private record Range(int firstTag, int lastTag, byte[] guid, long firstLid) {
    }

    private static final Range[] FIXED = {
        range(0x8000, 0x806F, "{00062002-0000-0000-C000-000000000046}", 0x8200), // PSETID_Appointment
        range(0x8070, 0x80AF, "{00062003-0000-0000-C000-000000000046}", 0x8100), // PSETID_Task
        range(0x80B0, 0x819F, "{00062004-0000-0000-C000-000000000046}", 0x8000), // PSETID_Address
        range(0x81A0, 0x829F, "{00062008-0000-0000-C000-000000000046}", 0x8500), // PSETID_Common
        range(0x82A0, 0x82BF, "{0006200A-0000-0000-C000-000000000046}", 0x8700), // PSETID_Log
        range(0x82C0, 0x82DF, "{0006200B-0000-0000-C000-000000000046}", 0x8800), // PSETID_BusinessCardView
        range(0x82E0, 0x82FF, "{0006200E-0000-0000-C000-000000000046}", 0x8B00), // PSETID_Note
        range(0x8300, 0x831F, "{00062013-0000-0000-C000-000000000046}", 0x8D00), // PSETID_Report
        range(0x8320, 0x833F, "{00062014-0000-0000-C000-000000000046}", 0x8F00), // PSETID_Remote
        range(0x8340, 0x837F, "{6ED8DA90-450B-101B-98DA-00AA003F1305}", 0x0000), // PSETID_Meeting
        range(0x8380, 0x8380, "{63AED8C8-4049-4B75-BC88-96DF9D723F2F}", 0x0002), // PSETID_KC
    };

    private static Range range(int first, int last, String guid, long firstLid) {
        return new Range(first, last, PropName.guidBytes(guid), firstLid);
    }

    private final Map<Integer, PropName> byId;

    NamedProps(Map<Integer, PropName> byId) {
        this.byId = Map.copyOf(byId);
    }

    /** Loads the {@code names} table (once per database). */
    public static NamedProps load(Connection c) throws SQLException {
        Map<Integer, PropName> m = new HashMap<>();
        int unusable = 0;
        try (PreparedStatement ps = Sql.prepare(c, "names.sql"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                long tag = NAMES_BASE + id;
                byte[] guid = rs.getBytes(4);
                if (id < 0 || tag > 0xFFFE || guid == null || guid.length != 16) {
                    unusable++;
                    continue;
                }
                long lid = rs.getLong(2);
                boolean isString = rs.wasNull();
                if (isString) {
                    byte[] s = rs.getBytes(3);
                    if (s == null) {
                        unusable++;
                        continue;
                    }
                    m.put((int) tag, PropName.ofName(guid, new String(s, StandardCharsets.UTF_8)));
                } else {
                    m.put((int) tag, PropName.ofLid(guid, lid & 0xFFFFFFFFL));
                }
            }
        }
        if (unusable > 0) {
            LOG.warn("{} row(s) of the names table cannot be used (id out of range or GUID not 16 bytes); "
                    + "properties under them are reported as unnamed", unusable);
        }
        return new NamedProps(m);
    }

    /** The name of property id {@code id} (0x8000 and up), or null when it has none. */
    public PropName nameOf(int id) {
        if (id < 0x8000) {
            return null;
        }
        if (id <= FIXED_LAST) {
            return fixed(id);
        }
        return byId.get(id);
    }

    /** The client library's fixed name for {@code id} in 0x8000–0x8380, or null. */
    static PropName fixed(int id) {
        for (Range r : FIXED) {
            if (id >= r.firstTag && id <= r.lastTag) {
                return PropName.ofLid(r.guid, r.firstLid + (id - r.firstTag));
            }
        }
        return null;
    }

    public int size() {
        return byId.size();
    }
}
