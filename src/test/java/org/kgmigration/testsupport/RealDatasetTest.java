package org.kgmigration.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The restored real datasets hold exactly the row counts their manifests list. */
class RealDatasetTest {
    @ParameterizedTest
    @ValueSource(strings = {RealDataset.FILES_V2_DE, RealDataset.DATABASE_LOB})
    void restore_gives_the_manifest_row_counts(String name) throws Exception {
        try (RealDataset ds = RealDataset.load(name); Connection c = ds.db().connect();
             Statement s = c.createStatement()) {
            JsonNode rows = ds.manifest().path("db").path("table_rows");
            assertEquals(25, rows.size());
            for (Iterator<Map.Entry<String, JsonNode>> it = rows.properties().iterator(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + e.getKey() + "`")) {
                    rs.next();
                    assertEquals(e.getValue().asLong(), rs.getLong(1), e.getKey());
                }
            }
            // binary columns survive byte for byte (mysqldump writes them raw inside literals)
            for (JsonNode st : ds.manifest().path("db").path("stores")) {
                try (ResultSet rs = s.executeQuery("SELECT HEX(guid) FROM stores WHERE id = " + st.path("id").asInt())) {
                    assertTrue(rs.next());
                    assertEquals(st.path("guid").asText(), rs.getString(1));
                }
            }
            for (JsonNode kv : ds.manifest().path("db").path("settings")) {
                if (kv.get(0).asText().equals("server_guid")) {
                    try (ResultSet rs = s.executeQuery("SELECT LOWER(HEX(value)) FROM settings WHERE name = 'server_guid'")) {
                        assertTrue(rs.next());
                        assertEquals(kv.get(1).asText(), rs.getString(1));
                    }
                }
            }
            if (name.equals(RealDataset.FILES_V2_DE)) {
                try (var files = Files.walk(ds.attachmentsDir())) {
                    assertEquals(20, files.filter(p -> p.getFileName().toString().equals("content")).count());
                }
            }
            assertTrue(ds.mapiProps().size() > 100);
        }
    }
}
