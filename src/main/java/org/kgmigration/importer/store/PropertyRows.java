package org.kgmigration.importer.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.kgmigration.importer.MapiType;
import org.kgmigration.importer.PropertyCodec.Stored;

/**
 * How an object's properties are kept in {@code imp_props} (schema version 2): one row per object
 * instead of one per property, because the store's cost was mostly in the rows (about 60 per mail).
 * A row is a JSON array of {@code [tag, type code, name GUID, name LID, name string, value]} with the
 * value as the JSON text of {@link Stored#valueJson()} in a string (kept exactly as it was checked).
 * Objects whose properties are longer than {@link #PART_CHARS} characters are split into parts
 * (rows with part 0, 1, ...), so that no row exceeds the column's limit because of many properties.
 */
final class PropertyRows {
    /** A part is closed once it is longer than this (a single long property makes a part of its own). */
    static final int PART_CHARS = 256 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private PropertyRows() {
    }

    /** The rows (parts) of an object's properties, in order; none for no properties. */
    static List<String> encode(List<Stored> props) {
        List<String> parts = new ArrayList<>(1);
        try {
            StringWriter w = null;
            JsonGenerator g = null;
            for (Stored s : props) {
                if (g != null && w.getBuffer().length() > PART_CHARS) {
                    g.writeEndArray();
                    g.close();
                    parts.add(w.toString());
                    g = null;
                }
                if (g == null) {
                    w = new StringWriter(256 + 64 * props.size());
                    g = JSON.createGenerator(w);
                    g.writeStartArray();
                }
                g.writeStartArray();
                g.writeNumber(s.tag());
                g.writeNumber(s.type().code());
                g.writeString(s.nameGuid());
                if (s.nameLid() == null) {
                    g.writeNull();
                } else {
                    g.writeNumber(s.nameLid());
                }
                g.writeString(s.nameStr());
                g.writeString(s.valueJson());
                g.writeEndArray();
                g.flush();
            }
            if (g != null) {
                g.writeEndArray();
                g.close();
                parts.add(w.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return parts;
    }

    /** The properties of one row (part). */
    static List<Stored> decode(String row) {
        List<Stored> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(row)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                expect(t, JsonToken.START_ARRAY);
                p.nextToken();
                long tag = p.getLongValue();
                p.nextToken();
                MapiType type = MapiType.byCode(p.getIntValue());
                String guid = p.nextTextValue();
                Long lid = p.nextToken() == JsonToken.VALUE_NULL ? null : p.getLongValue();
                String name = p.nextTextValue();
                String value = p.nextTextValue();
                expect(p.nextToken(), JsonToken.END_ARRAY);
                out.add(new Stored(tag, type, guid, lid, name, value));
            }
        } catch (IOException e) {
            throw new IllegalStateException("a damaged imp_props row: " + e.getMessage(), e);
        }
        return out;
    }

    private static void expect(JsonToken got, JsonToken want) throws IOException {
        if (got != want) {
            throw new IOException("expected " + want + ", found " + got);
        }
    }
}
