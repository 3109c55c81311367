package org.kgmigration.stream;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The name of a named property (ids 0x8000 and up): property-set GUID plus either a numeric id
 * (LID, MNID_ID) or a string name (MNID_STRING). Exactly one of {@code lid} and {@code name} is set.
 *
 * @param guid 16 bytes in MAPI (Windows) byte order — Data1 little-endian u32, Data2 and Data3
 *             little-endian u16, Data4 as is — exactly as Kopano's {@code names.guid} holds them
 * @param lid  the numeric id as unsigned 32-bit value, or null
 * @param name the string name, or null
 */
public record PropName(byte[] guid, Long lid, String name) {
    public PropName {
        Objects.requireNonNull(guid, "guid");
        if (guid.length != 16) {
            throw new IllegalArgumentException("property-set GUID must have 16 bytes, not " + guid.length);
        }
        if ((lid == null) == (name == null)) {
            throw new IllegalArgumentException("a property name has either a LID or a string name");
        }
        guid = guid.clone();
    }

    public static PropName ofLid(byte[] guid, long lid) {
        return new PropName(guid, lid, null);
    }

    public static PropName ofName(byte[] guid, String name) {
        return new PropName(guid, null, name);
    }

    @Override
    public byte[] guid() {
        return guid.clone();
    }

    /** The GUID in its usual text form, e.g. {@code {00062002-0000-0000-C000-000000000046}}. */
    public String guidText() {
        HexFormat h = HexFormat.of().withUpperCase();
        return "{" + h.formatHex(new byte[] {guid[3], guid[2], guid[1], guid[0]}) + "-"
                + h.formatHex(new byte[] {guid[5], guid[4]}) + "-" + h.formatHex(new byte[] {guid[7], guid[6]}) + "-"
                + h.formatHex(guid, 8, 10) + "-" + h.formatHex(guid, 10, 16) + "}";
    }

    /** Parses the text form back into MAPI byte order. */
    public static byte[] guidBytes(String text) {
        String t = text.replace("{", "").replace("}", "").replace("-", "");
        byte[] b = HexFormat.of().parseHex(t);
        if (b.length != 16) {
            throw new IllegalArgumentException("not a GUID: " + text);
        }
        return new byte[] {b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6],
            b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PropName p && Arrays.equals(guid, p.guid) && Objects.equals(lid, p.lid)
                && Objects.equals(name, p.name);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(guid) * 31 + Objects.hash(lid, name);
    }

    @Override
    public String toString() {
        return guidText() + ":" + (lid != null ? String.format("0x%X", lid) : "'" + name + "'");
    }
}
