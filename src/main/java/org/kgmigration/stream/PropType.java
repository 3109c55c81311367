package org.kgmigration.stream;

/**
 * MAPI property types as they travel in the dump. Strings always travel as {@link #PT_UNICODE}
 * (Kopano stores them as PT_STRING8 in UTF-8 but presents them as PT_UNICODE); everything else
 * keeps the type it was stored with.
 *
 * <p>Java value per type: PT_SHORT, PT_LONG → {@link Integer}; PT_FLOAT → {@link Float};
 * PT_DOUBLE, PT_APPTIME → {@link Double}; PT_CURRENCY, PT_I8 → {@link Long}; PT_BOOLEAN →
 * {@link Boolean}; PT_STRING8, PT_UNICODE → {@link String}; PT_SYSTIME → {@link Long} (FILETIME:
 * 100 ns ticks since 1601-01-01 UTC); PT_CLSID → byte[16] (Windows byte order); PT_BINARY → byte[];
 * PT_MV_x → {@link java.util.List} of the x value; PT_ERROR → {@link Integer} (the SCODE); any other
 * type (PT_OBJECT, PT_NULL, unknown) → byte[] (opaque). {@link DumpWriter} refuses other Java types.
 */
public final class PropType {
    public static final int PT_SHORT = 0x0002;
    public static final int PT_LONG = 0x0003;
    public static final int PT_FLOAT = 0x0004;
    public static final int PT_DOUBLE = 0x0005;
    public static final int PT_CURRENCY = 0x0006;
    public static final int PT_APPTIME = 0x0007;
    public static final int PT_ERROR = 0x000A;
    public static final int PT_BOOLEAN = 0x000B;
    public static final int PT_OBJECT = 0x000D;
    public static final int PT_I8 = 0x0014;
    public static final int PT_STRING8 = 0x001E;
    public static final int PT_UNICODE = 0x001F;
    public static final int PT_SYSTIME = 0x0040;
    public static final int PT_CLSID = 0x0048;
    public static final int PT_BINARY = 0x0102;
    public static final int MV_FLAG = 0x1000;

    private PropType() {
    }

    public static boolean isMulti(int type) {
        return (type & MV_FLAG) != 0;
    }

    public static int base(int type) {
        return type & ~MV_FLAG;
    }

    /** The MAPI name, e.g. {@code PT_UNICODE} or {@code PT_MV_LONG}. */
    public static String name(int type) {
        String b = switch (base(type)) {
            case PT_SHORT -> "SHORT";
            case PT_LONG -> "LONG";
            case PT_FLOAT -> "FLOAT";
            case PT_DOUBLE -> "DOUBLE";
            case PT_CURRENCY -> "CURRENCY";
            case PT_APPTIME -> "APPTIME";
            case PT_ERROR -> "ERROR";
            case PT_BOOLEAN -> "BOOLEAN";
            case PT_OBJECT -> "OBJECT";
            case PT_I8 -> "I8";
            case PT_STRING8 -> "STRING8";
            case PT_UNICODE -> "UNICODE";
            case PT_SYSTIME -> "SYSTIME";
            case PT_CLSID -> "CLSID";
            case PT_BINARY -> "BINARY";
            default -> String.format("0x%04X", base(type));
        };
        return (isMulti(type) ? "PT_MV_" : "PT_") + b;
    }
}
