package org.kgmigration.stream;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One MAPI property as it travels in the dump.
 *
 * @param tag   the 32-bit property tag: property id in the upper 16 bits, {@link PropType} in the
 *              lower 16. For named properties the id is the source database's local id (0x8000 and
 *              up), meaningful only together with {@code name}; readers must use the name.
 * @param value the value, as a Java type that {@link PropType} documents per type
 * @param name  the name of a named property, null for ordinary ones (id below 0x8000)
 */
public record Prop(int tag, Object value, PropName name) {
    public Prop {
        Objects.requireNonNull(value, "value");
    }

    public static Prop of(int tag, Object value) {
        return new Prop(tag, value, null);
    }

    public int id() {
        return tag >>> 16;
    }

    public int type() {
        return tag & 0xFFFF;
    }

    public boolean isNamed() {
        return name != null;
    }

    /** Value equality that compares arrays (binary, CLSID, MV binary) by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Prop p && tag == p.tag && Objects.equals(name, p.name) && valueEquals(value, p.value);
    }

    @Override
    public int hashCode() {
        return tag * 31 + Objects.hashCode(name);
    }

    static boolean valueEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!valueEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    @Override
    public String toString() {
        String v = value instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(value);
        if (v.length() > 80) {
            v = v.substring(0, 77) + "...";
        }
        return String.format("0x%08X", tag) + (name != null ? "(" + name + ")" : "") + "=" + v;
    }
}
