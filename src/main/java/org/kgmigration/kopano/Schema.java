package org.kgmigration.kopano;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What kgdump needs to know about a Kopano database before reading it: that it is one, its schema
 * revision (63 or later), the columns that changed between revisions, and the server settings.
 *
 * @param revision          {@code MAX(versions.databaserevision)}
 * @param singleInstanceFilename {@code singleinstances.filename} exists (revision 71 and later)
 * @param serverGuid        {@code settings.server_guid} as 32 lowercase hex digits, or null
 * @param attachmentStorage {@code settings.attachment_storage}, or null when the database has none
 * @param charset           {@code settings.charset}, or null
 * @param dbPlugin          the db user plugin's tables ({@code object}, {@code objectproperty}) exist
 */
public record Schema(int revision, boolean singleInstanceFilename, String serverGuid, String attachmentStorage,
                     String charset, boolean dbPlugin) {

    /** The oldest schema revision kgdump reads (ZCP 7.1.0). */
    public static final int MIN_REVISION = 63;

    private static final List<String> REQUIRED = List.of("versions", "settings", "stores", "users", "hierarchy",
            "properties", "mvproperties", "indexedproperties", "names", "singleinstances");

    /**
     * Checks that {@code c} is connected to a Kopano database of revision 63 or later and reads its
     * settings.
     *
     * @param label how to name the database in messages
     * @throws SourceException when it is not Kopano or too old
     */
    public static Schema read(Connection c, String label) {
        try {
            Map<String, Set<String>> columns = new HashMap<>();
            try (PreparedStatement ps = Sql.prepare(c, "kopano-tables.sql"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.computeIfAbsent(rs.getString(1).toLowerCase(Locale.ROOT), k -> new HashSet<>())
                            .add(rs.getString(2).toLowerCase(Locale.ROOT));
                }
            }
            List<String> missing = new ArrayList<>();
            for (String t : REQUIRED) {
                if (!columns.containsKey(t)) {
                    missing.add(t);
                }
            }
            if (missing.size() == REQUIRED.size() || !columns.containsKey("hierarchy")) {
                throw new SourceException("database " + label + " is not a Kopano database (it has no "
                        + String.join(", ", missing) + " tables)");
            }
            if (!missing.isEmpty()) {
                throw new SourceException("database " + label + " is not a complete Kopano database: table(s) "
                        + String.join(", ", missing) + " missing");
            }
            if (!columns.get("stores").contains("type")) {
                throw new SourceException("database " + label + " has a Kopano/Zarafa schema older than revision 61 "
                        + "(stores.type is missing); kgdump needs revision " + MIN_REVISION
                        + " (ZCP 7.1) or later - upgrade it with a newer server first");
            }
            Integer revision = null;
            try (PreparedStatement ps = Sql.prepare(c, "schema-revision.sql"); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long r = rs.getLong(1);
                    revision = rs.wasNull() ? null : (int) r;
                }
            }
            if (revision == null) {
                throw new SourceException("database " + label + " has an empty versions table: cannot tell its Kopano "
                        + "schema revision (kgdump needs " + MIN_REVISION + " or later)");
            }
            if (revision < MIN_REVISION) {
                throw new SourceException("database " + label + " has Kopano schema revision " + revision
                        + "; kgdump needs revision " + MIN_REVISION + " (ZCP 7.1) or later - upgrade it with a newer "
                        + "Zarafa/Kopano server first");
            }
            Map<String, byte[]> settings = new HashMap<>();
            try (PreparedStatement ps = Sql.prepare(c, "settings.sql"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    settings.put(rs.getString(1), rs.getBytes(2));
                }
            }
            byte[] guid = settings.get("server_guid");
            boolean dbPlugin = columns.containsKey("object") && columns.containsKey("objectproperty");
            return new Schema(revision, columns.get("singleinstances").contains("filename"),
                    guid == null ? null : HexFormat.of().formatHex(guid), text(settings.get("attachment_storage")),
                    text(settings.get("charset")), dbPlugin);
        } catch (SQLException e) {
            throw new SourceException("cannot read the schema of database " + label + ": "
                    + KopanoConnector.firstLine(e.getMessage()), e);
        }
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8).trim();
    }

    /** The SQL tokens that differ between schema revisions (see {@link Sql}). */
    Map<String, String> tokens() {
        return Map.of("si_filename", singleInstanceFilename ? "si.filename" : "NULL");
    }
}
