package org.kgmigration.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kgmigration.api.ApiJson;
import org.kgmigration.api.Property;
import org.kgmigration.api.PropertyName;

class PropertyCodecTest {
    private static final ObjectMapper M = ApiJson.mapper();

    private static PropertyCodec.Stored check(String tag, String type, String valueJson) throws Exception {
        JsonNode v = M.readTree(valueJson);
        return PropertyCodec.check(new Property(tag, type, v, null), "p");
    }

    private static void bad(String tag, String type, String valueJson, String expected) throws Exception {
        JsonNode v = M.readTree(valueJson);
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> PropertyCodec.check(new Property(tag, type, v, null), "p"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void sixty_four_bit_values_are_kept_exactly_as_decimal_strings() throws Exception {
        assertEquals("\"9007199254740993\"", check("0x0E080014", "PT_I8", "\"9007199254740993\"").valueJson());
        assertEquals("\"9007199254740993\"", check("0x0E080014", "PT_I8", "9007199254740993").valueJson());
        assertEquals("\"-9223372036854775808\"", check("0x66000006", "PT_CURRENCY", "\"-9223372036854775808\"").valueJson());
        assertEquals("\"133476012000000000\"", check("0x30070040", "PT_SYSTIME", "133476012000000000").valueJson());
        bad("0x0E080014", "PT_I8", "\"9223372036854775808\"", "out of range");
        bad("0x0E080014", "PT_I8", "1.5", "decimal string");
        bad("0x0E080014", "PT_I8", "\"0x10\"", "decimal string");
    }

    @Test
    void integers_booleans_and_floats_are_checked_by_range_and_type() throws Exception {
        assertEquals("-32768", check("0x00260002", "PT_SHORT", "-32768").valueJson());
        assertEquals("-32768", check("0x00260002", "PT_I2", "-32768").valueJson());
        bad("0x00260002", "PT_SHORT", "32768", "out of range");
        bad("0x00170003", "PT_LONG", "2147483648", "out of range");
        bad("0x00170003", "PT_LONG", "\"5\"", "integer");
        bad("0x0E1B000B", "PT_BOOLEAN", "1", "true or false");
        assertEquals("1.5", check("0x66020004", "PT_FLOAT", "1.5").valueJson());
        assertEquals("0.1", check("0x66010005", "PT_DOUBLE", "0.1").valueJson());
        assertEquals("\"NaN\"", check("0x66010005", "PT_DOUBLE", "\"NaN\"").valueJson());
        bad("0x66010005", "PT_DOUBLE", "1e400", "out of range");
        bad("0x66020004", "PT_FLOAT", "1e39", "out of range");
    }

    @Test
    void binaries_and_strings() throws Exception {
        assertEquals("\"AAEC/w==\"", check("0x00710102", "PT_BINARY", "\"AAEC/w==\"").valueJson());
        bad("0x00710102", "PT_BINARY", "\"not base64!\"", "base64");
        bad("0x66050048", "PT_CLSID", "\"AAEC\"", "16 bytes");
        assertEquals("\"Grüße\"", check("0x0037001F", "PT_UNICODE", "\"Grüße\"").valueJson());
        assertEquals("[\"a\",\"b\"]", check("0x6608101F", "PT_MV_UNICODE", "[\"a\",\"b\"]").valueJson());
        bad("0x6608101F", "PT_MV_UNICODE", "\"a\"", "array");
        bad("0x6608101F", "PT_MV_UNICODE", "[\"a\",1]", "value[1]");
    }

    @Test
    void tag_type_and_names_must_agree() throws Exception {
        bad("0x0037", "PT_UNICODE", "\"x\"", "8 hex digits");
        bad("0x0037001F", "PT_STRING8", "\"x\"", "does not match");
        bad("0x0037001F", "PT_TEXT", "\"x\"", "not a supported property type");
        bad("0x00370099", "PT_UNICODE", "\"x\"", "not supported");
        bad("0x80010003", "PT_LONG", "1", "needs its name");
        PropertyCodec.Stored s = PropertyCodec.check(new Property("0x8523101F", "PT_MV_UNICODE", M.readTree("[\"red\"]"),
                new PropertyName("{00020329-0000-0000-c000-000000000046}", null, "Keywords")), "p");
        assertEquals("{00020329-0000-0000-C000-000000000046}", s.nameGuid());
        assertEquals("Keywords", s.nameStr());
        BadRequestException both = assertThrows(BadRequestException.class, () -> PropertyCodec.check(new Property(
                "0x80010003", "PT_LONG", M.readTree("1"), new PropertyName("{00020329-0000-0000-C000-000000000046}", 5L,
                        "x")), "p"));
        assertTrue(both.getMessage().contains("exactly one"), both.getMessage());
        BadRequestException unnamed = assertThrows(BadRequestException.class, () -> PropertyCodec.check(new Property(
                "0x00370003", "PT_LONG", M.readTree("1"), new PropertyName("{00020329-0000-0000-C000-000000000046}", 5L,
                        null)), "p"));
        assertTrue(unnamed.getMessage().contains("not a named property"), unnamed.getMessage());
    }

    @Test
    void strings_are_stored_as_jackson_writes_them_and_read_back_exactly() throws Exception {
        List<String> samples = List.of("", "plain", "quote \" backslash \\ slash /", "tab\tnewline\nreturn\r",
                "\u0000\u0001\u001f\u007f", "Grüße ☃ 漢字", "emoji \uD83D\uDE00 pair", "line sep \u2028 \u2029",
                "lone \uD800 surrogate");
        for (String v : samples) {
            String sent = M.writeValueAsString(v);
            PropertyCodec.Stored st = check("0x0037001F", "PT_UNICODE", sent);
            assertEquals(sent, st.valueJson(), "as Jackson writes it: " + sent);
            assertEquals(v, st.toWire().value().textValue());
            assertEquals(8 + st.valueJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, st.size(), sent);
        }
        List<String> mv = List.of("a\"b", "", "ü");
        assertEquals(M.writeValueAsString(mv), check("0x6608101F", "PT_MV_UNICODE", M.writeValueAsString(mv)).valueJson());
        assertEquals("[1,-2]", check("0x66031003", "PT_MV_LONG", "[1, -2]").valueJson());
        assertEquals("[\"5\",\"-6\"]", check("0x66041014", "PT_MV_I8", "[5, \"-6\"]").valueJson());
        assertEquals("[\"AAE=\"]", check("0x66051102", "PT_MV_BINARY", "[\"AAE\"]").valueJson(), "padding added");
        assertEquals("[]", check("0x66051102", "PT_MV_BINARY", "[]").valueJson());
        assertEquals("false", check("0x0E1F000B", "PT_BOOLEAN", "false").valueJson());
        assertEquals("null", check("0x00010001", "PT_NULL", "null").valueJson());
    }

    @Test
    void tags_are_eight_hex_digits_with_or_without_0x_and_errors_say_where() throws Exception {
        assertEquals(0x0037001FL, check("0037001f", "PT_UNICODE", "\"x\"").tag());
        assertEquals(0x0037001FL, check("0X0037001F", "PT_UNICODE", "\"x\"").tag());
        assertEquals(0x7FFF0003L, check("0x7fff0003", "PT_LONG", "1").tag());
        for (String t : List.of("0x0037001G", "0x0037001", "x0037001F0", "0y0037001F", "+0037001F", "0x-037001F", "")) {
            bad(t, "PT_UNICODE", "\"x\"", "8 hex digits");
        }
        Property p = new Property("0x0037001F", "PT_UNICODE", M.readTree("5"), null);
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> PropertyCodec.check(p, "items[3].properties", 7));
        assertTrue(e.getMessage().startsWith("items[3].properties[7]: PT_UNICODE needs a string"), e.getMessage());
        Property mv = new Property("0x6608101F", "PT_MV_UNICODE", M.readTree("[\"a\", 1]"), null);
        e = assertThrows(BadRequestException.class, () -> PropertyCodec.check(mv, "items[0].properties", 2));
        assertTrue(e.getMessage().startsWith("items[0].properties[2].value[1]: "), e.getMessage());
        Property guid = new Property("0x80010003", "PT_LONG", M.readTree("1"), new PropertyName("not-a-guid", 5L, null));
        e = assertThrows(BadRequestException.class, () -> PropertyCodec.check(guid, "x", 0));
        assertTrue(e.getMessage().contains("is not a GUID"), e.getMessage());
        // the same GUID in every spelling gives one stored form
        for (String g : List.of("00020329-0000-0000-c000-000000000046", "{00020329-0000-0000-C000-000000000046}",
                "{00020329-0000-0000-c000-000000000046}")) {
            assertEquals("{00020329-0000-0000-C000-000000000046}", PropertyCodec.check(new Property("0x80010003", "PT_LONG",
                    M.readTree("1"), new PropertyName(g, 5L, null)), "p").nameGuid());
        }
    }

    @Test
    void the_wire_spelling_of_a_tag_is_0x_and_eight_upper_case_digits() {
        assertEquals("0x0037001F", Property.tagText(0x0037001FL));
        assertEquals("0x00000000", Property.tagText(0));
        assertEquals("0xFFFF0102", Property.tagText(0xFFFF0102L));
        assertEquals("0x8523101F", Property.tagText(0x8523101F & 0xFFFFFFFFL));
    }

    @Test
    void stored_values_read_back_to_the_same_wire_form() throws Exception {
        PropertyCodec.Stored s = check("0x0E080014", "PT_I8", "\"-5\"");
        Property back = s.toWire();
        assertEquals("0x0E080014", back.tag());
        assertEquals("PT_I8", back.type());
        assertEquals("\"-5\"", back.value().toString());
        assertEquals("PT_SHORT", check("0x00260002", "PT_I2", "7").toWire().type());
    }
}
