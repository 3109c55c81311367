package org.kgmigration.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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
    private static final Pattern TAG = Pattern.compile("(0[xX])?[0-9A-Fa-f]{8}");
    private static final Pattern GUID = Pattern.compile(
            "\\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}}?");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,20}");
    private static final BigInteger I64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger I64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper TEXT = new ObjectMapper();

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
            return 8L + valueJson.getBytes(StandardCharsets.UTF_8).length
                    + (nameStr == null ? 0 : nameStr.getBytes(StandardCharsets.UTF_8).length);
        }

        /** Back to the wire form. */
        public Property toWire() {
            try {
                JsonNode value = TEXT.readTree(valueJson);
                PropertyName n = nameGuid == null ? null : new PropertyName(nameGuid, nameLid, nameStr);
                return new Property(String.format(Locale.ROOT, "0x%08X", tag), type.name(), value, n);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("stored property value is not JSON: " + valueJson, e);
            }
        }
    }

    private PropertyCodec() {
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
        if (p.tag() == null || !TAG.matcher(p.tag()).matches()) {
            throw new BadRequestException(where + ": tag '" + p.tag() + "' is not 8 hex digits such as 0x0037001F");
        }
        String hex = p.tag().length() == 10 ? p.tag().substring(2) : p.tag();
        long tag = Long.parseLong(hex, 16);
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
            if (n.guid() == null || !GUID.matcher(n.guid()).matches()) {
                throw new BadRequestException(where + ": name.guid '" + n.guid() + "' is not a GUID");
            }
            String g = n.guid().toUpperCase(Locale.ROOT);
            guid = (g.startsWith("{") ? "" : "{") + g + (g.endsWith("}") ? "" : "}");
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
        JsonNode canonical = canonical(byTag, p.value(), where);
        return new Stored(tag, byTag, guid, lid, str, canonical.toString());
    }

    private static JsonNode canonical(MapiType t, JsonNode v, String where) {
        if (t.kind() == MapiType.Kind.NONE) {
            if (v != null && !v.isNull()) {
                throw new BadRequestException(where + ": " + t + " carries no value (null)");
            }
            return NODES.nullNode();
        }
        if (v == null || v.isNull()) {
            throw new BadRequestException(where + ": missing value for " + t);
        }
        if (!t.multiValued()) {
            return single(t, v, where);
        }
        if (!v.isArray()) {
            throw new BadRequestException(where + ": " + t + " needs an array");
        }
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < v.size(); i++) {
            out.add(single(t, v.get(i), where + ".value[" + i + "]"));
        }
        return out;
    }

    private static JsonNode single(MapiType t, JsonNode v, String where) {
        switch (t.kind()) {
            case INT16:
                return NODES.numberNode(integer(v, -32768, 32767, t, where));
            case INT32:
                return NODES.numberNode(integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE, t, where));
            case INT64:
                return NODES.textNode(Long.toString(int64(v, t, where)));
            case BOOLEAN:
                if (!v.isBoolean()) {
                    throw new BadRequestException(where + ": " + t + " needs true or false");
                }
                return NODES.booleanNode(v.booleanValue());
            case FLOAT: {
                double d = floating(v, t, where);
                float f = (float) d;
                if (Float.isInfinite(f) && !Double.isInfinite(d)) {
                    throw new BadRequestException(where + ": " + d + " is out of range for " + t);
                }
                return Float.isFinite(f) ? NODES.numberNode(f) : NODES.textNode(Float.toString(f));
            }
            case DOUBLE: {
                double d = floating(v, t, where);
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
            }
            case STRING:
                if (!v.isTextual()) {
                    throw new BadRequestException(where + ": " + t + " needs a string");
                }
                return NODES.textNode(v.textValue());
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
                return NODES.textNode(Base64.getEncoder().encodeToString(b));
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
