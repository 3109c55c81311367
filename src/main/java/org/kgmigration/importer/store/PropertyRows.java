package org.kgmigration.importer.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.kgmigration.importer.MapiType;
import org.kgmigration.importer.PropertyCodec.Stored;

/**
 * How an object's properties are kept in {@code imp_props} (schema version 2): one row per object
 * instead of one per property, because the store's cost was mostly in the rows (about 60 per mail).
 * A row is a CBOR array (RFC 8949; bytes, which the databases store without re-encoding text) of
 * {@code [tag, type code, name GUID, name LID, name string, value]}, with the value as the JSON text
 * of {@link Stored#valueJson()} (kept exactly as it was checked). Objects whose properties take more
 * than {@link #PART_BYTES} bytes are split into parts (rows with part 0, 1, ...).
 */
final class PropertyRows {
    /** A part is closed once it is longer than this (a single long property makes a part of its own). */
    static final int PART_BYTES = 256 * 1024;
    private static final CBORFactory CBOR = new CBORFactory();

    private PropertyRows() {
    }

    /** The rows (parts) of an object's properties, in order; none for no properties. */
    static List<byte[]> encode(List<Stored> props) {
        List<byte[]> parts = new ArrayList<>(1);
        try {
            ByteArrayOutputStream out = null;
            JsonGenerator g = null;
            for (Stored s : props) {
                if (g != null && out.size() > PART_BYTES) {
                    g.writeEndArray();
                    g.close();
                    parts.add(out.toByteArray());
                    g = null;
                }
                if (g == null) {
                    out = new ByteArrayOutputStream(64 + 48 * props.size());
                    g = CBOR.createGenerator(out);
                    g.writeStartArray();
                }
                g.writeStartArray(null, 6);
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
                parts.add(out.toByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return parts;
    }

    /** The properties of one row (part). */
    static List<Stored> decode(byte[] row) {
        List<Stored> out = new ArrayList<>();
        try (JsonParser p = CBOR.createParser(row)) {
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
