package org.kgmigration.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;
import org.kgmigration.api.Property;
import org.kgmigration.api.PropertyName;

/**
 * Checks a property from the wire and brings it into the form the store keeps: numeric tag and
 * type, the name of a named property, and the value as canonical JSON text (64-bit integers as
 * decimal strings, binaries as padded base64, floats as numbers or "NaN"/"Infinity"/"-Infinity").
 * Reading that text back gives exactly the value that was sent.
 */
public final class PropertyCodec {
    private static final Pattern GUID = Pattern.compile(
            "\\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}}?");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,20}");
    private static final BigInteger I64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger I64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper TEXT = new ObjectMapper();
    private static final com.fasterxml.jackson.core.io.JsonStringEncoder QUOTE =
            com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance();
    /** Named-property GUIDs as received -> their stored form; a message uses the same few again and again. */
    private static final java.util.Map<String, String> GUIDS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_GUIDS = 4096;

    /**
     * A checked property.
     *
     * @param tag       the 32-bit tag (as an unsigned number)
     * @param type      its type
     * @param nameGuid  upper-case GUID with braces, for named properties
     * @param nameLid   numeric name, or null
     * @param nameStr   string name, or null
     * @param valueJson the canonical JSON text of the value
     */
    public record Stored(long tag, MapiType type, String nameGuid, Long nameLid, String nameStr, String valueJson) {
        /** Bytes this property adds to a message's size. */
        public long size() {
            return 8L + utf8Length(valueJson) + (nameStr == null ? 0 : utf8Length(nameStr));
        }

        /** Back to the wire form. */
        public Property toWire() {
            try {
                JsonNode value = TEXT.readTree(valueJson);
                PropertyName n = nameGuid == null ? null : new PropertyName(nameGuid, nameLid, nameStr);
                return new Property(Property.tagText(tag), type.name(), value, n);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("stored property value is not JSON: " + valueJson, e);
            }
        }
    }

    private PropertyCodec() {
    }

    /** The length of {@code s} in UTF-8 as {@code s.getBytes(UTF_8).length}, without encoding it. */
    static long utf8Length(String s) {
        long n = 0;
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++; // a lone surrogate is encoded as '?', as String.getBytes does
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * {@link #check(Property, String)} for the {@code index}-th property of the list at {@code list};
     * the location is only put together for an error.
     */
    public static Stored check(Property p, String list, int index) {
        try {
            return check(p, "");
        } catch (BadRequestException e) {
            throw new BadRequestException(list + "[" + index + "]" + e.getMessage());
        }
    }

    /** The 32-bit tag of {@code 0x0037001F} or {@code 0037001F}, or -1 when it is not that. */
    private static long parseTag(String t) {
        int from;
        if (t.length() == 10 && t.charAt(0) == '0' && (t.charAt(1) == 'x' || t.charAt(1) == 'X')) {
            from = 2;
        } else if (t.length() == 8) {
            from = 0;
        } else {
            return -1;
        }
        long v = 0;
        for (int i = from; i < t.length(); i++) {
            int d = Character.digit(t.charAt(i), 16);
            if (d < 0 || t.charAt(i) > 'f') {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** The stored form of a named property's GUID (upper case, braces), or null when it is not a GUID. */
    private static String guid(String g) {
        String known = GUIDS.get(g);
        if (known != null) {
            return known;
        }
        if (!GUID.matcher(g).matches()) {
            return null;
        }
        String u = g.toUpperCase(Locale.ROOT);
        u = (u.startsWith("{") ? "" : "{") + u + (u.endsWith("}") ? "" : "}");
        if (GUIDS.size() < MAX_GUIDS) {
            GUIDS.put(g, u);
        }
        return u;
    }

    /**
     * @param p     the property as received
     * @param where its position for error messages, e.g. {@code items[3].properties[7]}
     * @throws BadRequestException when the property is malformed
     */
    public static Stored check(Property p, String where) {
        if (p == null) {
            throw new BadRequestException(where + ": null instead of a property");
        }
        long tag = p.tag() == null ? -1 : parseTag(p.tag());
        if (tag < 0) {
            throw new BadRequestException(where + ": tag '" + p.tag() + "' is not 8 hex digits such as 0x0037001F");
        }
        int typeCode = (int) (tag & 0xFFFF);
        int id = (int) (tag >>> 16);
        MapiType byTag = MapiType.byCode(typeCode);
        if (byTag == null) {
            throw new BadRequestException(where + ": tag " + p.tag() + " has type 0x"
                    + String.format(Locale.ROOT, "%04X", typeCode) + ", which is not supported");
        }
        MapiType byName = MapiType.byName(p.type());
        if (byName == null) {
            throw new BadRequestException(where + ": type '" + p.type() + "' is not a supported property type");
        }
        if (byName != byTag) {
            throw new BadRequestException(where + ": type " + p.type() + " does not match tag " + p.tag());
        }
        String guid = null;
        Long lid = null;
        String str = null;
        if (id >= 0x8000) {
            PropertyName n = p.name();
            if (n == null) {
                throw new BadRequestException(where + ": named property " + p.tag() + " needs its name (guid + lid or name)");
            }
            guid = n.guid() == null ? null : guid(n.guid());
            if (guid == null) {
                throw new BadRequestException(where + ": name.guid '" + n.guid() + "' is not a GUID");
            }
            if ((n.lid() == null) == (n.name() == null)) {
                throw new BadRequestException(where + ": name needs exactly one of lid and name");
            }
            if (n.lid() != null && (n.lid() < 0 || n.lid() > 0xFFFFFFFFL)) {
                throw new BadRequestException(where + ": name.lid " + n.lid() + " is not a 32-bit id");
            }
            if (n.name() != null && n.name().isEmpty()) {
                throw new BadRequestException(where + ": name.name is empty");
            }
            lid = n.lid();
            str = n.name();
        } else if (p.name() != null) {
            throw new BadRequestException(where + ": tag " + p.tag() + " is not a named property id but has a name");
        }
        return new Stored(tag, byTag, guid, lid, str, canonical(byTag, p.value(), where));
    }

    /** The canonical JSON text of a value, written directly (no node tree per value). */
    private static String canonical(MapiType t, JsonNode v, String where) {
        if (t.kind() == MapiType.Kind.NONE) {
            if (v != null && !v.isNull()) {
                throw new BadRequestException(where + ": " + t + " carries no value (null)");
            }
            return "null";
        }
        if (v == null || v.isNull()) {
            throw new BadRequestException(where + ": missing value for " + t);
        }
        StringBuilder out = new StringBuilder();
        if (!t.multiValued()) {
            single(t, v, where, out);
            return out.toString();
        }
        if (!v.isArray()) {
            throw new BadRequestException(where + ": " + t + " needs an array");
        }
        out.append('[');
        for (int i = 0; i < v.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            single(t, v.get(i), where + ".value[" + i + "]", out);
        }
        return out.append(']').toString();
    }

    private static void quoted(String s, StringBuilder out) {
        out.append('"');
        QUOTE.quoteAsString(s, out);
        out.append('"');
    }

    private static void single(MapiType t, JsonNode v, String where, StringBuilder out) {
        switch (t.kind()) {
            case INT16:
                out.append(integer(v, -32768, 32767, t, where));
                return;
            case INT32:
                out.append(integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE, t, where));
                return;
            case INT64:
                out.append('"').append(int64(v, t, where)).append('"');
                return;
            case BOOLEAN:
                if (!v.isBoolean()) {
                    throw new BadRequestException(where + ": " + t + " needs true or false");
                }
                out.append(v.booleanValue());
                return;
            case FLOAT: {
                double d = floating(v, t, where);
                float f = (float) d;
                if (Float.isInfinite(f) && !Double.isInfinite(d)) {
                    throw new BadRequestException(where + ": " + d + " is out of range for " + t);
                }
                out.append(Float.isFinite(f) ? NODES.numberNode(f).toString() : "\"" + f + "\"");
                return;
            }
            case DOUBLE: {
                double d = floating(v, t, where);
                out.append(Double.isFinite(d) ? NODES.numberNode(d).toString() : "\"" + d + "\"");
                return;
            }
            case STRING:
                if (!v.isTextual()) {
                    throw new BadRequestException(where + ": " + t + " needs a string");
                }
                quoted(v.textValue(), out);
                return;
            case BINARY:
            case CLSID: {
                if (!v.isTextual()) {
                    throw new BadRequestException(where + ": " + t + " needs a base64 string");
                }
                byte[] b;
                try {
                    b = Base64.getDecoder().decode(v.textValue());
                } catch (IllegalArgumentException e) {
                    throw new BadRequestException(where + ": " + t + " value is not base64: " + e.getMessage());
                }
                if (t.kind() == MapiType.Kind.CLSID && b.length != 16) {
                    throw new BadRequestException(where + ": " + t + " needs 16 bytes, got " + b.length);
                }
                out.append('"').append(Base64.getEncoder().encodeToString(b)).append('"');
                return;
            }
            default:
                throw new BadRequestException(where + ": " + t + " cannot have a value");
        }
    }

    private static long integer(JsonNode v, long min, long max, MapiType t, String where) {
        if (!v.isIntegralNumber()) {
            throw new BadRequestException(where + ": " + t + " needs an integer number");
        }
        BigInteger b = v.bigIntegerValue();
        if (b.compareTo(BigInteger.valueOf(min)) < 0 || b.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new BadRequestException(where + ": " + b + " is out of range for " + t);
        }
        return b.longValue();
    }

    private static long int64(JsonNode v, MapiType t, String where) {
        BigInteger b;
        if (v.isIntegralNumber()) {
            b = v.bigIntegerValue();
        } else if (v.isTextual() && DECIMAL.matcher(v.textValue()).matches()) {
            b = new BigInteger(v.textValue());
        } else {
            throw new BadRequestException(where + ": " + t + " needs a decimal string (or an integer number)");
        }
        if (b.compareTo(I64_MIN) < 0 || b.compareTo(I64_MAX) > 0) {
            throw new BadRequestException(where + ": " + b + " is out of range for " + t);
        }
        return b.longValue();
    }

    private static double floating(JsonNode v, MapiType t, String where) {
        if (v.isNumber()) {
            BigDecimal d = v.decimalValue();
            double x = d.doubleValue();
            if (Double.isInfinite(x)) {
                throw new BadRequestException(where + ": " + d + " is out of range for " + t);
            }
            return x;
        }
        if (v.isTextual()) {
            switch (v.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new BadRequestException(where + ": " + t + " needs a number (or \"NaN\", \"Infinity\", \"-Infinity\")");
    }
}
