package org.kgmigration.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.kgmigration.api.FolderItem;
import org.kgmigration.api.ImportApi;
import org.kgmigration.api.Property;
import org.kgmigration.api.PropertyName;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.PropType;

/**
 * Turns dump records into the import API's wire objects, property by property and type by type:
 * the tag and its type name travel unchanged, named properties travel by name (GUID + LID or
 * string), values in the encoding of docs/import-api.md (64-bit integers and FILETIMEs as decimal
 * strings, binaries and CLSIDs as base64, floats as numbers or "NaN"/"Infinity"/"-Infinity").
 */
public final class PayloadMapper {
    public static final int PR_MESSAGE_CLASS = 0x001A001F;
    public static final int PR_DISPLAY_NAME = 0x3001001F;
    public static final int PR_CONTAINER_CLASS = 0x3613001F;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final java.util.Set<String> acceptedTypes;
    private long dropped;
    private String lastDropped;

    /**
     * @param acceptedTypes the property type names the server accepts (its capabilities); a
     *                      property of another type is left out and counted ({@link #dropped()})
     */
    public PayloadMapper(java.util.Collection<String> acceptedTypes) {
        this.acceptedTypes = new java.util.HashSet<>(acceptedTypes);
    }

    /** Properties left out so far because the server does not accept their type. */
    public long dropped() {
        return dropped;
    }

    /** The last property left out, for the log. */
    public String lastDropped() {
        return lastDropped;
    }

    /** The MAPI type name as the import API spells it. */
    public static String typeName(int type) {
        return switch (type) {
            case 0x0001 -> "PT_NULL";
            case 0x00FB -> "PT_SVREID";
            case 0x00FD -> "PT_SRESTRICTION";
            case 0x00FE -> "PT_ACTIONS";
            default -> PropType.name(type);
        };
    }

    /** The wire form of one property. */
    public static Property property(Prop p) {
        int type = p.type();
        String typeName = typeName(type);
        PropertyName name = null;
        if (p.name() != null) {
            name = new PropertyName(p.name().guidText(), p.name().lid(), p.name().name());
        }
        JsonNode value;
        if (PropType.base(type) == PropType.PT_OBJECT) {
            value = NODES.nullNode();
        } else if (PropType.isMulti(type) && p.value() instanceof List<?> l) {
            ArrayNode a = NODES.arrayNode();
            for (Object o : l) {
                a.add(single(o));
            }
            value = a;
        } else {
            value = single(p.value());
        }
        return new Property(Property.tagText(p.tag() & 0xFFFFFFFFL), typeName, value, name);
    }

    private static JsonNode single(Object v) {
        if (v instanceof byte[] b) {
            return NODES.textNode(Base64.getEncoder().encodeToString(b));
        } else if (v instanceof Long l) {
            return NODES.textNode(Long.toString(l));
        } else if (v instanceof Integer i) {
            return NODES.numberNode(i);
        } else if (v instanceof Short s) {
            return NODES.numberNode(s);
        } else if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (v instanceof Float f) {
            return Float.isFinite(f) ? NODES.numberNode(f) : NODES.textNode(Float.toString(f));
        } else if (v instanceof Double d) {
            return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
        } else if (v instanceof String s) {
            return NODES.textNode(s);
        }
        throw new IllegalArgumentException("a property value of type " + v.getClass().getName() + " has no wire form");
    }

    /** The wire form of a property list, without the properties of types the server does not accept. */
    public List<Property> properties(List<Prop> props) {
        List<Property> out = new ArrayList<>(props.size());
        for (Prop p : props) {
            if (!acceptedTypes.contains(typeName(p.type()))) {
                dropped++;
                lastDropped = p.toString();
                continue;
            }
            out.add(property(p));
        }
        return out;
    }

    public List<List<Property>> recipients(List<List<Prop>> recipients) {
        List<List<Property>> out = new ArrayList<>(recipients == null ? 0 : recipients.size());
        if (recipients != null) {
            for (List<Prop> r : recipients) {
                out.add(properties(r));
            }
        }
        return out;
    }

    /** A string property's value, or null. */
    public static String string(List<Prop> props, int tag) {
        for (Prop p : props) {
            if (p.tag() == tag && p.value() instanceof String s) {
                return s;
            }
        }
        return null;
    }

    /** The folder as the folders endpoint wants it; {@code parent} is already resolved (null = top). */
    public FolderItem folder(DumpRecord.Folder f, String parent, String role) {
        String name = string(f.props(), PR_DISPLAY_NAME);
        if (name == null || name.isBlank()) {
            name = role != null ? role : "Folder " + f.id();
        }
        if (name.length() > 1024) {
            name = name.substring(0, 1024);
        }
        String cls = string(f.props(), PR_CONTAINER_CLASS);
        if (cls != null && (cls.isBlank() || cls.length() > 255)) {
            cls = null;
        }
        return new FolderItem(f.id(), parent, role, name, cls, properties(f.props()));
    }

    /** The API role of a dump folder role, or null for an ordinary folder. */
    public static String apiRole(String dumpRole) {
        if (dumpRole == null) {
            return null;
        }
        String r = dumpRole.toLowerCase(Locale.ROOT);
        return ImportApi.FOLDER_ROLES.contains(r) ? r : null;
    }
}
