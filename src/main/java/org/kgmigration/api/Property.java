package org.kgmigration.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One MAPI property on the wire.
 *
 * @param tag   the 32-bit property tag including the type, {@code "0x0037001F"}
 * @param type  the type name, {@code "PT_UNICODE"}; must agree with the tag's low 16 bits
 * @param value the value in the encoding of its type (docs/import-api.md, "Property values")
 * @param name  for named properties (id 0x8000 and above) only: the name by GUID and LID or string
 */
public record Property(String tag, String type, JsonNode value, PropertyName name) {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** A tag as the wire spells it: {@code 0x} and eight upper-case hex digits. */
    public static String tagText(long tag) {
        char[] c = new char[10];
        c[0] = '0';
        c[1] = 'x';
        for (int i = 0; i < 8; i++) {
            c[9 - i] = HEX[(int) (tag >>> (4 * i)) & 0xF];
        }
        return new String(c);
    }
}
