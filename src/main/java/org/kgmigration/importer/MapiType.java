package org.kgmigration.importer;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The MAPI property types the import API accepts, with their wire names and value kinds. */
public enum MapiType {
    PT_NULL(0x0001, Kind.NONE),
    PT_SHORT(0x0002, Kind.INT16, "PT_I2"),
    PT_LONG(0x0003, Kind.INT32, "PT_I4"),
    PT_FLOAT(0x0004, Kind.FLOAT, "PT_R4"),
    PT_DOUBLE(0x0005, Kind.DOUBLE, "PT_R8"),
    PT_CURRENCY(0x0006, Kind.INT64),
    PT_APPTIME(0x0007, Kind.DOUBLE),
    PT_ERROR(0x000A, Kind.INT32),
    PT_BOOLEAN(0x000B, Kind.BOOLEAN),
    PT_OBJECT(0x000D, Kind.NONE),
    PT_I8(0x0014, Kind.INT64, "PT_LONGLONG"),
    PT_STRING8(0x001E, Kind.STRING),
    PT_UNICODE(0x001F, Kind.STRING),
    PT_SYSTIME(0x0040, Kind.INT64),
    PT_CLSID(0x0048, Kind.CLSID),
    PT_SVREID(0x00FB, Kind.BINARY),
    PT_SRESTRICTION(0x00FD, Kind.BINARY),
    PT_ACTIONS(0x00FE, Kind.BINARY),
    PT_BINARY(0x0102, Kind.BINARY),
    PT_MV_SHORT(0x1002, Kind.INT16, "PT_MV_I2"),
    PT_MV_LONG(0x1003, Kind.INT32, "PT_MV_I4"),
    PT_MV_FLOAT(0x1004, Kind.FLOAT, "PT_MV_R4"),
    PT_MV_DOUBLE(0x1005, Kind.DOUBLE, "PT_MV_R8"),
    PT_MV_CURRENCY(0x1006, Kind.INT64),
    PT_MV_APPTIME(0x1007, Kind.DOUBLE),
    PT_MV_I8(0x1014, Kind.INT64, "PT_MV_LONGLONG"),
    PT_MV_STRING8(0x101E, Kind.STRING),
    PT_MV_UNICODE(0x101F, Kind.STRING),
    PT_MV_SYSTIME(0x1040, Kind.INT64),
    PT_MV_CLSID(0x1048, Kind.CLSID),
    PT_MV_BINARY(0x1102, Kind.BINARY);

    /** How a value of the type is written in JSON. */
    public enum Kind { NONE, INT16, INT32, INT64, FLOAT, DOUBLE, BOOLEAN, STRING, BINARY, CLSID }

    private static final Map<String, MapiType> BY_NAME = new HashMap<>();
    private static final Map<Integer, MapiType> BY_CODE = new HashMap<>();

    static {
        for (MapiType t : values()) {
            BY_NAME.put(t.name(), t);
            for (String a : t.aliases) {
                BY_NAME.put(a, t);
            }
            BY_CODE.put(t.code, t);
        }
    }

    private final int code;
    private final Kind kind;
    private final List<String> aliases;

    MapiType(int code, Kind kind, String... aliases) {
        this.code = code;
        this.kind = kind;
        this.aliases = List.of(aliases);
    }

    public int code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    public boolean multiValued() {
        return (code & 0x1000) != 0;
    }

    /** The type of a name (case-insensitive, aliases such as PT_I2 accepted), or null. */
    public static MapiType byName(String name) {
        return name == null ? null : BY_NAME.get(name.toUpperCase(Locale.ROOT));
    }

    /** The type of a tag's low 16 bits, or null. */
    public static MapiType byCode(int code) {
        return BY_CODE.get(code);
    }

    /** All accepted names, canonical ones first. */
    public static List<String> names() {
        List<String> out = new java.util.ArrayList<>();
        for (MapiType t : values()) {
            out.add(t.name());
        }
        return out;
    }
}
