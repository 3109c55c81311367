package org.kgmigration.kopano;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kopano queries, one file each in {@code src/main/resources/sql/}. A query may contain
 * {@code {ids}} (expanded to as many {@code ?} as there are ids, once per occurrence) and
 * {@code {name}} tokens that the caller replaces with fixed SQL fragments chosen by the schema
 * (e.g. {@code {si_filename}} is {@code si.filename} from revision 71 on, {@code NULL} before).
 */
final class Sql {
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private Sql() {
    }

    static String text(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            try (InputStream in = Sql.class.getResourceAsStream("/sql/" + n)) {
                if (in == null) {
                    throw new IllegalStateException("missing SQL resource sql/" + n);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Prepares query {@code name}: tokens replaced, each {@code {ids}} expanded for {@code ids}, and
     * the ids bound (in order, once per occurrence) after {@code leading} fixed parameters.
     */
    static PreparedStatement prepare(Connection c, String name, Map<String, String> tokens,
                                     Collection<Long> ids, Object... leading) throws SQLException {
        String sql = text(name);
        for (Map.Entry<String, String> t : tokens.entrySet()) {
            sql = sql.replace("{" + t.getKey() + "}", t.getValue());
        }
        int occurrences = 0;
        if (ids != null) {
            if (ids.isEmpty()) {
                throw new IllegalArgumentException("empty id list for " + name);
            }
            String marks = "?,".repeat(ids.size());
            marks = marks.substring(0, marks.length() - 1);
            int at;
            while ((at = sql.indexOf("{ids}")) >= 0) {
                sql = sql.substring(0, at) + marks + sql.substring(at + 5);
                occurrences++;
            }
        }
        PreparedStatement ps = c.prepareStatement(sql);
        int i = 1;
        for (Object o : leading) {
            ps.setObject(i++, o);
        }
        for (int k = 0; k < occurrences; k++) {
            for (Long id : ids) {
                ps.setLong(i++, id);
            }
        }
        return ps;
    }

    static PreparedStatement prepare(Connection c, String name, Object... params) throws SQLException {
        return prepare(c, name, Map.of(), null, params);
    }
}
