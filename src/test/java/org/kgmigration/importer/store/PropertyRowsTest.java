package org.kgmigration.importer.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kgmigration.importer.MapiType;
import org.kgmigration.importer.PropertyCodec.Stored;

class PropertyRowsTest {
    @Test
    void rows_give_back_every_property_exactly() {
        List<Stored> props = List.of(
                new Stored(0x0037001FL, MapiType.byName("PT_UNICODE"), null, null, null, "\"Grüße \\\"quoted\\\" \\u0000 ☃\""),
                new Stored(0x8005001FL, MapiType.byName("PT_UNICODE"), "{00062008-0000-0000-C000-000000000046}", 34101L, null,
                        "\"x\""),
                new Stored(0x8006000BL, MapiType.byName("PT_BOOLEAN"), "{00020329-0000-0000-C000-000000000046}", null,
                        "Keywords", "true"),
                new Stored(0x0E080003L, MapiType.byName("PT_LONG"), null, null, null, "-1"),
                new Stored(0x30070040L, MapiType.byName("PT_SYSTIME"), null, null, null, "\"133489152000000000\""),
                new Stored(0x1003101FL, MapiType.byName("PT_MV_UNICODE"), null, null, null, "[\"a\",\"b\"]"));
        List<byte[]> rows = PropertyRows.encode(props);
        assertEquals(1, rows.size());
        assertEquals(props, PropertyRows.decode(rows.get(0)));
        assertTrue(PropertyRows.encode(List.of()).isEmpty());
    }

    @Test
    void long_property_lists_are_split_into_parts_that_read_back_in_order() {
        List<Stored> props = new ArrayList<>();
        String big = "\"" + "y".repeat(100_000) + "\"";
        for (int i = 0; i < 7; i++) {
            props.add(new Stored(0x1000001FL + ((long) i << 16), MapiType.byName("PT_UNICODE"), null, null, null, big));
        }
        List<byte[]> rows = PropertyRows.encode(props);
        assertTrue(rows.size() >= 2, "parts: " + rows.size());
        List<Stored> back = new ArrayList<>();
        for (byte[] r : rows) {
            assertTrue(r.length <= PropertyRows.PART_BYTES + 110_000, "part length " + r.length);
            back.addAll(PropertyRows.decode(r));
        }
        assertEquals(props, back);
    }
}
