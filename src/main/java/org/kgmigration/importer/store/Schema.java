package org.kgmigration.importer.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The mailbox store's tables (prefix {@code imp_}), created by the program when missing. Properties
 * of every object live in one table keyed by owner kind and id: M = message (also embedded ones),
 * R = recipient, A = attachment, S = a source folder mapped into the mailbox. Since schema version 2
 * an object's properties are one row of {@code imp_props} (a CBOR array, split into parts when
 * long, see {@link PropertyRows}); version 1 wrote one {@code imp_property} row per property, which
 * is still read for objects written then. Attachment data is content-addressed ({@code imp_blob},
 * keyed by SHA-256): since version 3 in pack files beside the database ({@link BlobFiles}; the row's
 * {@code upload_id} names the pack, {@code pack_offset} where the data starts), or, with
 * {@code pack_offset} null, in {@code imp_blob_chunk} rows of 256 KiB (versions 1 and 2, and the
 * {@code blob_store: database} setting).
 */
final class Schema {
    /** Bumped when the tables change; a store written by a newer version is refused. */
    static final int VERSION = 3;

    private static final List<String> DDL = List.of(
            "CREATE TABLE IF NOT EXISTS imp_meta (name VARCHAR(64) NOT NULL PRIMARY KEY, val VARCHAR(255) NOT NULL)",
            "CREATE TABLE IF NOT EXISTS imp_user (id ${id}, upn VARCHAR(320) NOT NULL, display_name VARCHAR(1024),"
                    + " active BOOLEAN NOT NULL, quota_bytes BIGINT, usage_bytes BIGINT NOT NULL,"
                    + " message_count BIGINT NOT NULL, created_at ${ts} NOT NULL, last_import_at ${ts},"
                    + " CONSTRAINT imp_user_upn UNIQUE (upn))",
            "CREATE TABLE IF NOT EXISTS imp_folder (id ${id}, user_id BIGINT NOT NULL, parent_id BIGINT,"
                    + " role VARCHAR(16), display_name VARCHAR(1024) NOT NULL, container_class VARCHAR(255),"
                    + " created_at ${ts} NOT NULL, CONSTRAINT imp_folder_role UNIQUE (user_id, role))",
            "CREATE TABLE IF NOT EXISTS imp_folder_source (id ${id}, user_id BIGINT NOT NULL,"
                    + " store_guid VARCHAR(64) NOT NULL, source_key VARCHAR(255) NOT NULL, folder_id BIGINT NOT NULL,"
                    + " created_at ${ts} NOT NULL, CONSTRAINT imp_folder_source_key UNIQUE (user_id, store_guid, source_key))",
            "CREATE TABLE IF NOT EXISTS imp_message (id ${id}, user_id BIGINT NOT NULL, folder_id BIGINT,"
                    + " store_guid VARCHAR(64), source_key VARCHAR(255), parent_attach_id BIGINT,"
                    + " message_class VARCHAR(255), associated BOOLEAN NOT NULL, size_bytes BIGINT NOT NULL,"
                    + " attach_count INT NOT NULL, created_at ${ts} NOT NULL,"
                    + " CONSTRAINT imp_message_key UNIQUE (user_id, store_guid, source_key))",
            "CREATE INDEX IF NOT EXISTS imp_message_folder ON imp_message (folder_id)",
            "CREATE INDEX IF NOT EXISTS imp_message_parent ON imp_message (parent_attach_id)",
            "CREATE TABLE IF NOT EXISTS imp_recipient (id ${id}, message_id BIGINT NOT NULL, seq INT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS imp_recipient_message ON imp_recipient (message_id)",
            "CREATE TABLE IF NOT EXISTS imp_attachment (id ${id}, message_id BIGINT NOT NULL, seq INT NOT NULL,"
                    + " blob_sha256 CHAR(64), blob_size BIGINT, missing BOOLEAN NOT NULL)",
            "CREATE INDEX IF NOT EXISTS imp_attachment_message ON imp_attachment (message_id)",
            "CREATE INDEX IF NOT EXISTS imp_attachment_blob ON imp_attachment (blob_sha256)",
            "CREATE TABLE IF NOT EXISTS imp_property (owner_kind CHAR(1) NOT NULL, owner_id BIGINT NOT NULL,"
                    + " seq INT NOT NULL, tag BIGINT NOT NULL, ptype INT NOT NULL, name_guid CHAR(38),"
                    + " name_lid BIGINT, name_str ${text}, val ${text} NOT NULL,"
                    + " PRIMARY KEY (owner_kind, owner_id, seq))",
            "CREATE TABLE IF NOT EXISTS imp_props (owner_kind CHAR(1) NOT NULL, owner_id BIGINT NOT NULL,"
                    + " part INT NOT NULL, props ${bytes} NOT NULL, PRIMARY KEY (owner_kind, owner_id, part))",
            "CREATE TABLE IF NOT EXISTS imp_blob (sha256 CHAR(64) NOT NULL PRIMARY KEY, size_bytes BIGINT NOT NULL,"
                    + " upload_id CHAR(36) NOT NULL, created_at ${ts} NOT NULL)",
            "ALTER TABLE imp_blob ADD COLUMN IF NOT EXISTS pack_offset BIGINT",
            "CREATE INDEX IF NOT EXISTS imp_blob_upload ON imp_blob (upload_id)",
            "CREATE TABLE IF NOT EXISTS imp_blob_chunk (upload_id CHAR(36) NOT NULL, seq INT NOT NULL,"
                    + " data ${chunk} NOT NULL, PRIMARY KEY (upload_id, seq))",
            "CREATE TABLE IF NOT EXISTS imp_store_import (user_id BIGINT NOT NULL, store_guid VARCHAR(64) NOT NULL,"
                    + " completed_at ${ts} NOT NULL, PRIMARY KEY (user_id, store_guid))");

    private Schema() {
    }

    static void create(Connection c, StoreLocation.Dialect dialect) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String ddl : DDL) {
                s.execute(dialect.ddl(ddl));
            }
        }
        Integer found = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT val FROM imp_meta WHERE name = 'schema_version'");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                found = Integer.valueOf(rs.getString(1));
            }
        }
        if (found == null) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO imp_meta (name, val) VALUES ('schema_version', ?)")) {
                ps.setString(1, Integer.toString(VERSION));
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!isDuplicate(e)) {
                    throw e;
                }
            }
        } else if (found > VERSION) {
            throw new SQLException("the mailbox store was written by a newer version (schema " + found
                    + ", this program knows " + VERSION + ")");
        } else if (found < VERSION) {
            // 1 -> 2: a new table (imp_props); 2 -> 3: imp_blob.pack_offset (attachment data in pack
            // files). Only additions, made above; from now on older programs must refuse the store
            try (PreparedStatement ps = c.prepareStatement("UPDATE imp_meta SET val = ? WHERE name = 'schema_version'")) {
                ps.setString(1, Integer.toString(VERSION));
                ps.executeUpdate();
            }
        }
    }

    /** Whether {@code e} is a unique-constraint violation. */
    static boolean isDuplicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && state.startsWith("23")) {
                    return true;
                }
                if (s.getErrorCode() == 1062 || s.getErrorCode() == 23505) {
                    return true;
                }
            }
        }
        return false;
    }
}
