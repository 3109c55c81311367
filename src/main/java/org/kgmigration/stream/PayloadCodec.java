package org.kgmigration.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kgmigration.stream.DumpRecord.Acl;
import org.kgmigration.stream.DumpRecord.Attachment;
import org.kgmigration.stream.DumpRecord.AttachmentEnd;
import org.kgmigration.stream.DumpRecord.Folder;
import org.kgmigration.stream.DumpRecord.FolderEnd;
import org.kgmigration.stream.DumpRecord.Header;
import org.kgmigration.stream.DumpRecord.Message;
import org.kgmigration.stream.DumpRecord.MessageEnd;
import org.kgmigration.stream.DumpRecord.Owner;
import org.kgmigration.stream.DumpRecord.ReceiveFolder;
import org.kgmigration.stream.DumpRecord.Store;
import org.kgmigration.stream.DumpRecord.StoreEnd;
import org.kgmigration.stream.DumpRecord.Totals;
import org.kgmigration.stream.DumpRecord.Trailer;

/**
 * Encodes record payloads (everything but Data) as one CBOR map each and decodes them back into
 * the exact Java types of {@link DumpRecord} and {@link PropType}. Field names and value
 * encodings are specified in docs/dump-format.md; null fields are left out.
 */
final class PayloadCodec {
    private static final CBORFactory FACTORY = CBORFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE).maxNumberLength(64).maxNestingDepth(64).build())
            .build();

    private PayloadCodec() {
    }

    // ---------------------------------------------------------------- encoding

    /** Encodes the payload of a record other than Data into {@code buf} (which is reset first). */
    static void encode(DumpRecord r, ByteArrayOutputStream buf) throws IOException {
        buf.reset();
        Map<String, Object> tree = tree(r);
        try (CBORGenerator g = FACTORY.createGenerator(buf)) {
            new Enc(g).write(tree);
        }
    }

    /** The payload map of a record: field name → value (null values are left out when written). */
    private static Map<String, Object> tree(DumpRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r instanceof Header h) {
            m.put("formatVersion", h.formatVersion());
            m.put("tool", h.tool());
            m.put("toolVersion", h.toolVersion());
            m.put("sourceServerGuid", h.sourceServerGuid());
            m.put("schemaRevision", h.schemaRevision());
            m.put("attachmentStorage", h.attachmentStorage());
            m.put("selection", h.selection());
            m.put("startedMillis", h.startedMillis());
            m.put("options", h.options());
        } else if (r instanceof Store s) {
            m.put("guid", s.guid());
            m.put("type", s.type());
            m.put("owner", s.owner());
            m.put("props", s.props());
            m.put("acl", s.acl());
            m.put("receiveFolders", s.receiveFolders());
            m.put("specialFolders", s.specialFolders());
        } else if (r instanceof Folder f) {
            m.put("id", f.id());
            m.put("parentId", f.parentId());
            m.put("role", f.role());
            m.put("deleted", f.deleted());
            m.put("props", f.props());
            m.put("acl", f.acl());
        } else if (r instanceof Message msg) {
            m.put("id", msg.id());
            m.put("associated", msg.associated());
            m.put("deleted", msg.deleted());
            m.put("embedded", msg.embedded());
            m.put("props", msg.props());
            m.put("recipients", msg.recipients());
        } else if (r instanceof Attachment a) {
            m.put("props", a.props());
        } else if (r instanceof AttachmentEnd a) {
            m.put("size", a.size());
            m.put("sha256", a.sha256());
            m.put("missing", a.missing());
            m.put("problem", a.problem());
        } else if (r instanceof FolderEnd f) {
            m.put("id", f.id());
            m.put("messages", f.messages());
            m.put("associated", f.associated());
            m.put("attachments", f.attachments());
            m.put("bytes", f.bytes());
        } else if (r instanceof StoreEnd s) {
            m.put("guid", s.guid());
            m.put("totals", s.totals());
        } else if (r instanceof Trailer t) {
            m.put("stores", t.stores());
            m.put("total", t.total());
            m.put("records", t.records());
            m.put("finishedMillis", t.finishedMillis());
        } else if (!(r instanceof MessageEnd)) {
            throw new IllegalArgumentException(DumpFormat.typeName(r) + " records have no map payload");
        }
        return m;
    }

    private static Map<String, Object> tree(Owner o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userId", o.userId());
        m.put("loginName", o.loginName());
        m.put("email", o.email());
        m.put("fullName", o.fullName());
        m.put("externId", o.externId());
        m.put("objectClass", o.objectClass());
        m.put("active", o.active());
        m.put("lastOwnerName", o.lastOwnerName());
        m.put("companyId", o.companyId());
        return m;
    }

    private static Map<String, Object> tree(Acl a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userId", a.userId());
        m.put("principal", a.principal());
        m.put("type", a.type());
        m.put("rights", a.rights());
        return m;
    }

    private static Map<String, Object> tree(ReceiveFolder rf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("messageClass", rf.messageClass());
        m.put("folderId", rf.folderId());
        return m;
    }

    private static Map<String, Object> tree(Totals t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("folders", t.folders());
        m.put("messages", t.messages());
        m.put("associated", t.associated());
        m.put("attachments", t.attachments());
        m.put("attachmentBytes", t.attachmentBytes());
        m.put("missingAttachments", t.missingAttachments());
        m.put("skipped", t.skipped());
        return m;
    }

    /** Writes trees: maps and arrays with definite length, integers in their shortest form. */
    private static final class Enc {
        private final CBORGenerator g;

        Enc(CBORGenerator g) {
            this.g = g;
        }

        void write(Object v) throws IOException {
            if (v == null) {
                g.writeNull();
            } else if (v instanceof String s) {
                g.writeString(safe(s));
            } else if (v instanceof Boolean b) {
                g.writeBoolean(b);
            } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                g.writeNumber(((Number) v).longValue());
            } else if (v instanceof Float || v instanceof Double) {
                g.writeNumber(((Number) v).doubleValue());
            } else if (v instanceof byte[] b) {
                g.writeBinary(b);
            } else if (v instanceof Prop p) {
                prop(p);
            } else if (v instanceof Owner o) {
                write(tree(o));
            } else if (v instanceof Acl a) {
                write(tree(a));
            } else if (v instanceof ReceiveFolder rf) {
                write(tree(rf));
            } else if (v instanceof Totals t) {
                write(tree(t));
            } else if (v instanceof Map<?, ?> m) {
                int n = 0;
                for (Object x : m.values()) {
                    n += x == null ? 0 : 1;
                }
                g.writeStartObject(m, n);
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (e.getValue() != null) {
                        g.writeFieldName(safe(String.valueOf(e.getKey())));
                        write(e.getValue());
                    }
                }
                g.writeEndObject();
            } else if (v instanceof Iterable<?> it) {
                List<Object> l = new ArrayList<>();
                it.forEach(l::add);
                g.writeStartArray(l, l.size());
                for (Object x : l) {
                    write(x);
                }
                g.writeEndArray();
            } else {
                g.writeString(safe(String.valueOf(v)));
            }
        }

        /** [tag, value] or [tag, value, guid, lid-or-name]. */
        void prop(Prop p) throws IOException {
            PropName n = p.name();
            g.writeStartArray(p, n == null ? 2 : 4);
            g.writeNumber(p.tag() & 0xFFFFFFFFL);
            int type = p.type();
            if (PropType.isMulti(type)) {
                if (!(p.value() instanceof List<?> list)) {
                    throw badValue(p, "a List of");
                }
                g.writeStartArray(list, list.size());
                for (Object v : list) {
                    value(p, PropType.base(type), v);
                }
                g.writeEndArray();
            } else {
                value(p, type, p.value());
            }
            if (n != null) {
                g.writeBinary(n.guid());
                if (n.lid() != null) {
                    if (n.lid() < 0 || n.lid() > 0xFFFFFFFFL) {
                        throw new IllegalArgumentException("property " + p + ": LID out of range");
                    }
                    g.writeNumber(n.lid().longValue());
                } else {
                    g.writeString(safe(n.name()));
                }
            }
            g.writeEndArray();
        }

        private void value(Prop p, int base, Object v) throws IOException {
            switch (base) {
                case PropType.PT_SHORT, PropType.PT_LONG, PropType.PT_ERROR -> {
                    if (!(v instanceof Integer i)) {
                        throw badValue(p, "Integer");
                    }
                    g.writeNumber(i.intValue());
                }
                case PropType.PT_FLOAT -> {
                    if (!(v instanceof Float f)) {
                        throw badValue(p, "Float");
                    }
                    g.writeNumber(f.floatValue());
                }
                case PropType.PT_DOUBLE, PropType.PT_APPTIME -> {
                    if (!(v instanceof Double d)) {
                        throw badValue(p, "Double");
                    }
                    g.writeNumber(d.doubleValue());
                }
                case PropType.PT_CURRENCY, PropType.PT_I8, PropType.PT_SYSTIME -> {
                    if (!(v instanceof Long l)) {
                        throw badValue(p, "Long");
                    }
                    g.writeNumber(l.longValue());
                }
                case PropType.PT_BOOLEAN -> {
                    if (!(v instanceof Boolean b)) {
                        throw badValue(p, "Boolean");
                    }
                    g.writeBoolean(b);
                }
                case PropType.PT_STRING8, PropType.PT_UNICODE -> {
                    if (!(v instanceof String s)) {
                        throw badValue(p, "String");
                    }
                    g.writeString(safe(s));
                }
                case PropType.PT_CLSID -> {
                    if (!(v instanceof byte[] b) || b.length != 16) {
                        throw badValue(p, "byte[16]");
                    }
                    g.writeBinary(b);
                }
                default -> {
                    if (!(v instanceof byte[] b)) {
                        throw badValue(p, "byte[]");
                    }
                    g.writeBinary(b);
                }
            }
        }

        private static IllegalArgumentException badValue(Prop p, String expected) {
            Object v = p.value();
            return new IllegalArgumentException(String.format("property 0x%08X (%s) needs %s values, not %s", p.tag(),
                    PropType.name(p.type()), expected, v == null ? "null" : v.getClass().getSimpleName()));
        }
    }

    /** CBOR text must be valid UTF-8: an unpaired surrogate becomes U+FFFD. */
    static String safe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return replaceUnpaired(s);
                }
            }
        }
        return s;
    }

    private static String replaceUnpaired(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append('\uFFFD');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- decoding

    /** A payload that passed the checksum but does not decode: written by a faulty writer. */
    static final class BadPayload extends Exception {
        private static final long serialVersionUID = 1L;

        BadPayload(String message) {
            super(message);
        }
    }

    /** Decodes the payload of a record of {@code type} (not Data). */
    static DumpRecord decode(int type, byte[] payload) throws BadPayload {
        Object tree;
        try (JsonParser p = FACTORY.createParser(payload)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new BadPayload("empty payload");
            }
            tree = read(p, t);
            if (p.nextToken() != null) {
                throw new BadPayload("more than one item in the payload");
            }
        } catch (IOException e) {
            throw new BadPayload("undecodable CBOR: " + firstLine(e.getMessage()));
        }
        if (!(tree instanceof Map<?, ?>)) {
            throw new BadPayload("payload is not a map");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) tree;
        Dec d = new Dec(DumpFormat.typeName(type));
        return switch (type) {
            case DumpFormat.T_HEADER -> new Header(d.intValue(m, "formatVersion", 0), d.str(m, "tool"),
                    d.str(m, "toolVersion"), d.str(m, "sourceServerGuid"), d.intValue(m, "schemaRevision", 0),
                    d.str(m, "attachmentStorage"), d.map(m, "selection"), d.longValue(m, "startedMillis"),
                    d.map(m, "options"));
            case DumpFormat.T_STORE -> new Store(d.str(m, "guid"), d.str(m, "type"), d.owner(m.get("owner")),
                    d.props(m.get("props")), d.acl(m.get("acl")), d.receiveFolders(m.get("receiveFolders")),
                    d.stringMap(m.get("specialFolders")));
            case DumpFormat.T_FOLDER -> new Folder(d.str(m, "id"), d.str(m, "parentId"), d.str(m, "role"),
                    d.bool(m, "deleted"), d.props(m.get("props")), d.acl(m.get("acl")));
            case DumpFormat.T_MESSAGE -> new Message(d.str(m, "id"), d.bool(m, "associated"), d.bool(m, "deleted"),
                    d.bool(m, "embedded"), d.props(m.get("props")), d.recipients(m.get("recipients")));
            case DumpFormat.T_MESSAGE_END -> new MessageEnd();
            case DumpFormat.T_ATTACHMENT -> new Attachment(d.props(m.get("props")));
            case DumpFormat.T_ATTACHMENT_END -> new AttachmentEnd(d.longValue(m, "size"), d.str(m, "sha256"),
                    d.bool(m, "missing"), d.str(m, "problem"));
            case DumpFormat.T_FOLDER_END -> new FolderEnd(d.str(m, "id"), d.longValue(m, "messages"),
                    d.longValue(m, "associated"), d.longValue(m, "attachments"), d.longValue(m, "bytes"));
            case DumpFormat.T_STORE_END -> new StoreEnd(d.str(m, "guid"), d.totals(m.get("totals")));
            case DumpFormat.T_TRAILER -> new Trailer(d.totalsMap(m.get("stores")), d.totals(m.get("total")),
                    d.longValue(m, "records"), d.longValue(m, "finishedMillis"));
            default -> throw new BadPayload("record type " + type + " has no map payload");
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Reads one CBOR item into plain Java values: maps → LinkedHashMap (text keys), arrays → List,
     * integers → Long, float16/32 → Float, float64 → Double, byte strings → byte[], text → String.
     */
    private static Object read(JsonParser p, JsonToken t) throws IOException, BadPayload {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                if (k != JsonToken.END_OBJECT) {
                    throw new BadPayload("unterminated map");
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                JsonToken x;
                while ((x = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (x == null) {
                        throw new BadPayload("unterminated array");
                    }
                    l.add(read(p, x));
                }
                return l;
            }
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    BigInteger b = p.getBigIntegerValue();
                    if (b.bitLength() > 63) {
                        throw new BadPayload("integer out of range: " + b);
                    }
                    return b.longValue();
                }
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                JsonParser.NumberType nt = p.getNumberType();
                if (nt == JsonParser.NumberType.FLOAT) {
                    return p.getFloatValue();
                } else if (nt == JsonParser.NumberType.DOUBLE) {
                    return p.getDoubleValue();
                }
                BigDecimal bd = p.getDecimalValue();
                throw new BadPayload("unsupported number " + bd);
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_EMBEDDED_OBJECT -> {
                Object o = p.getEmbeddedObject();
                if (o instanceof byte[] b) {
                    return b;
                }
                throw new BadPayload("unsupported embedded value");
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new BadPayload("unexpected CBOR item " + t);
        }
    }

    /** Typed access to a decoded map, with messages that name the record and field. */
    private static final class Dec {
        private final String record;

        Dec(String record) {
            this.record = record;
        }

        private BadPayload bad(String field, String expected, Object v) {
            return new BadPayload(record + " field '" + field + "' must be " + expected + ", not "
                    + (v == null ? "absent" : v.getClass().getSimpleName()));
        }

        String str(Map<String, Object> m, String f) throws BadPayload {
            Object v = m.get(f);
            if (v == null || v instanceof String) {
                return (String) v;
            }
            throw bad(f, "text", v);
        }

        boolean bool(Map<String, Object> m, String f) throws BadPayload {
            Object v = m.get(f);
            if (v == null) {
                return false;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw bad(f, "true or false", v);
        }

        long longValue(Map<String, Object> m, String f) throws BadPayload {
            Object v = m.get(f);
            if (v instanceof Long l) {
                return l;
            }
            throw bad(f, "an integer", v);
        }

        int intValue(Map<String, Object> m, String f, int dflt) throws BadPayload {
            Object v = m.get(f);
            if (v == null) {
                return dflt;
            }
            return toInt(f, v);
        }

        Integer optInt(Map<String, Object> m, String f) throws BadPayload {
            Object v = m.get(f);
            return v == null ? null : toInt(f, v);
        }

        private int toInt(String f, Object v) throws BadPayload {
            if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return l.intValue();
            }
            throw bad(f, "a 32-bit integer", v);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(Map<String, Object> m, String f) throws BadPayload {
            Object v = m.get(f);
            if (v == null) {
                return null;
            }
            if (v instanceof Map<?, ?>) {
                return generic((Map<String, Object>) v);
            }
            throw bad(f, "a map", v);
        }

        /** Open maps: floats become Double so that Header.selection/options read back uniformly. */
        @SuppressWarnings("unchecked")
        private static Map<String, Object> generic(Map<String, Object> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : m.entrySet()) {
                Object v = e.getValue();
                out.put(e.getKey(), v instanceof Map<?, ?> mm ? generic((Map<String, Object>) mm) : genericValue(v));
            }
            return Collections.unmodifiableMap(out);
        }

        @SuppressWarnings("unchecked")
        private static Object genericValue(Object v) {
            if (v instanceof Float f) {
                return f.doubleValue();
            } else if (v instanceof Map<?, ?> mm) {
                return generic((Map<String, Object>) mm);
            } else if (v instanceof List<?> l) {
                List<Object> out = new ArrayList<>(l.size());
                for (Object o : l) {
                    out.add(genericValue(o));
                }
                return Collections.unmodifiableList(out);
            }
            return v;
        }

        @SuppressWarnings("unchecked")
        Map<String, String> stringMap(Object v) throws BadPayload {
            if (v == null) {
                return null;
            }
            if (!(v instanceof Map<?, ?>)) {
                throw bad("specialFolders", "a map", v);
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) {
                if (!(e.getValue() instanceof String s)) {
                    throw bad("specialFolders." + e.getKey(), "text", e.getValue());
                }
                out.put(e.getKey(), s);
            }
            return Collections.unmodifiableMap(out);
        }

        private List<?> list(String f, Object v) throws BadPayload {
            if (v instanceof List<?> l) {
                return l;
            }
            throw bad(f, "an array", v);
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> asMap(String f, Object v) throws BadPayload {
            if (v instanceof Map<?, ?>) {
                return (Map<String, Object>) v;
            }
            throw bad(f, "a map", v);
        }

        Owner owner(Object v) throws BadPayload {
            if (v == null) {
                return null;
            }
            Map<String, Object> m = asMap("owner", v);
            Object active = m.get("active");
            if (active != null && !(active instanceof Boolean)) {
                throw bad("owner.active", "true or false", active);
            }
            return new Owner(optInt(m, "userId"), str(m, "loginName"), str(m, "email"), str(m, "fullName"),
                    str(m, "externId"), optInt(m, "objectClass"), (Boolean) active, str(m, "lastOwnerName"),
                    optInt(m, "companyId"));
        }

        List<Acl> acl(Object v) throws BadPayload {
            if (v == null) {
                return null;
            }
            List<Acl> out = new ArrayList<>();
            for (Object o : list("acl", v)) {
                Map<String, Object> m = asMap("acl[]", o);
                out.add(new Acl(intValue(m, "userId", 0), str(m, "principal"), intValue(m, "type", 0),
                        longValue(m, "rights")));
            }
            return Collections.unmodifiableList(out);
        }

        List<ReceiveFolder> receiveFolders(Object v) throws BadPayload {
            if (v == null) {
                return null;
            }
            List<ReceiveFolder> out = new ArrayList<>();
            for (Object o : list("receiveFolders", v)) {
                Map<String, Object> m = asMap("receiveFolders[]", o);
                out.add(new ReceiveFolder(str(m, "messageClass"), str(m, "folderId")));
            }
            return Collections.unmodifiableList(out);
        }

        Totals totals(Object v) throws BadPayload {
            if (v == null) {
                return null;
            }
            Map<String, Object> m = asMap("totals", v);
            Map<String, Long> skipped = null;
            Object s = m.get("skipped");
            if (s != null) {
                skipped = new LinkedHashMap<>();
                for (Map.Entry<String, Object> e : asMap("skipped", s).entrySet()) {
                    if (!(e.getValue() instanceof Long n)) {
                        throw bad("skipped." + e.getKey(), "an integer", e.getValue());
                    }
                    skipped.put(e.getKey(), n);
                }
                skipped = Collections.unmodifiableMap(skipped);
            }
            return new Totals(longValue(m, "folders"), longValue(m, "messages"), longValue(m, "associated"),
                    longValue(m, "attachments"), longValue(m, "attachmentBytes"), longValue(m, "missingAttachments"),
                    skipped);
        }

        Map<String, Totals> totalsMap(Object v) throws BadPayload {
            if (v == null) {
                return null;
            }
            Map<String, Totals> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : asMap("stores", v).entrySet()) {
                out.put(e.getKey(), totals(e.getValue()));
            }
            return Collections.unmodifiableMap(out);
        }

        List<List<Prop>> recipients(Object v) throws BadPayload {
            if (v == null) {
                return null;
            }
            List<List<Prop>> out = new ArrayList<>();
            for (Object o : list("recipients", v)) {
                out.add(props(o));
            }
            return Collections.unmodifiableList(out);
        }

        List<Prop> props(Object v) throws BadPayload {
            if (v == null) {
                return null;
            }
            List<?> l = list("props", v);
            List<Prop> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(prop(o));
            }
            return Collections.unmodifiableList(out);
        }

        private Prop prop(Object o) throws BadPayload {
            List<?> a = list("props[]", o);
            if (a.size() != 2 && a.size() != 4) {
                throw new BadPayload(record + ": a property has " + a.size() + " elements, not 2 or 4");
            }
            if (!(a.get(0) instanceof Long t) || t < 0 || t > 0xFFFFFFFFL) {
                throw new BadPayload(record + ": a property tag is not a 32-bit unsigned integer");
            }
            int tag = (int) t.longValue();
            int type = tag & 0xFFFF;
            Object value;
            if (PropType.isMulti(type)) {
                List<?> vs = list(String.format("0x%08X", tag), a.get(1));
                List<Object> vals = new ArrayList<>(vs.size());
                for (Object x : vs) {
                    vals.add(value(tag, PropType.base(type), x));
                }
                value = Collections.unmodifiableList(vals);
            } else {
                value = value(tag, type, a.get(1));
            }
            PropName name = null;
            if (a.size() == 4) {
                if (!(a.get(2) instanceof byte[] guid) || guid.length != 16) {
                    throw new BadPayload(record + String.format(": property 0x%08X: name GUID is not 16 bytes", tag));
                }
                if (a.get(3) instanceof Long lid && lid >= 0 && lid <= 0xFFFFFFFFL) {
                    name = PropName.ofLid(guid, lid);
                } else if (a.get(3) instanceof String s) {
                    name = PropName.ofName(guid, s);
                } else {
                    throw new BadPayload(record + String.format(": property 0x%08X: bad name", tag));
                }
            }
            return new Prop(tag, value, name);
        }

        private Object value(int tag, int base, Object v) throws BadPayload {
            Object out = switch (base) {
                case PropType.PT_SHORT, PropType.PT_LONG, PropType.PT_ERROR ->
                        v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) l.intValue() : null;
                case PropType.PT_FLOAT -> v instanceof Float f ? f : v instanceof Double d ? (Object) d.floatValue() : null;
                case PropType.PT_DOUBLE, PropType.PT_APPTIME ->
                        v instanceof Double d ? d : v instanceof Float f ? (Object) f.doubleValue() : null;
                case PropType.PT_CURRENCY, PropType.PT_I8, PropType.PT_SYSTIME -> v instanceof Long ? v : null;
                case PropType.PT_BOOLEAN -> v instanceof Boolean ? v : null;
                case PropType.PT_STRING8, PropType.PT_UNICODE -> v instanceof String ? v : null;
                case PropType.PT_CLSID -> v instanceof byte[] b && b.length == 16 ? v : null;
                default -> v instanceof byte[] ? v : null;
            };
            if (out == null) {
                throw new BadPayload(String.format("%s: property 0x%08X has a value that is not a %s", record, tag,
                        PropType.name(base)));
            }
            return out;
        }
    }
}
