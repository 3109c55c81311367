package org.kgmigration.kopano;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.PropName;
import org.kgmigration.stream.PropType;
import org.kgmigration.stream.Sha256;

/**
 * Compares a dump property by property with {@code mapi-props.jsonl} (every property of every
 * object as Kopano 11 presents it over MAPI).
 *
 * <p>Forward: every property that Kopano reads from a database row ({@code source} properties,
 * indexedproperties; also the {@code unlisted_props}) must be in the dump with the same tag, value
 * and name; attachment data ({@code singleinstance}) must have the same size and SHA-256.
 * Backward: every property in the dump must be one of those, or one of the computed properties the
 * dump documents ({@link #COMPUTED}) with the value Kopano computes.
 */
final class MapiCompare {
    /** Computed properties the dump carries, per object kind (docs/kgdump.md). */
    static final Map<String, Set<Integer>> COMPUTED = Map.of(
            "store", Set.of(0x0FFE0003),
            "folder", Set.of(0x0FFE0003),
            "message", Set.of(0x0FFE0003),
            "embedded", Set.of(0x0FFE0003),
            "recipient", Set.of(0x0FFE0003, 0x0FFF0102, 0x30000003),
            "attachment", Set.of(0x0FFE0003, 0x0E210003));

    /**
     * Properties that have a database row but that Kopano's MAPI client presents with a different
     * value; the dump carries the stored value (docs/kgdump.md, "Where the dump differs from MAPI").
     */
    static final Map<String, Set<Integer>> PRESENTED_DIFFERENTLY = Map.of(
            // embedded messages opened through their attachment get a synthesized source key and size
            "embedded", Set.of(0x65E00102, 0x0E080003),
            // the public store's display name is computed ("Public Folders"); its IPM subtree entry id
            // is replaced by a pseudo entry id for the public folders root
            "public store", Set.of(0x3001001F, 0x35E00102));
    /** The MAPI store-entry-id wrapper Kopano's client puts around a store's entry id. */
    static final String STORE_WRAP = "0000000038A1BB1005E5101AA1BB08002B2A56C200007A617261666136636C69656E742E646C6C0000000000";

    final List<String> differences = new ArrayList<>();
    final Map<String, Integer> compared = new HashMap<>();
    private final DumpTree dump;
    private final Map<String, DumpTree.MsgT> messages = new HashMap<>();
    private final Map<String, DumpTree.FolderT> folders = new HashMap<>();

    MapiCompare(DumpTree dump) {
        this.dump = dump;
        for (DumpTree.StoreT s : dump.stores) {
            for (DumpTree.FolderT f : s.folders) {
                folders.put(f.rec.id(), f);
                for (DumpTree.MsgT m : f.messages) {
                    messages.put(m.rec.id(), m);
                }
            }
        }
    }

    /** Compares every record of mapi-props; returns the number of objects compared. */
    int compareAll(List<JsonNode> mapi) {
        int n = 0;
        for (JsonNode r : mapi) {
            String kind = r.path("kind").asText();
            String where = kind + " " + r.path("path");
            List<Prop> props;
            Object target;
            switch (kind) {
                case "store" -> {
                    DumpTree.StoreT s = dump.store(r.path("store_guid").asText());
                    if (s == null) {
                        differences.add(where + ": store not in the dump");
                        continue;
                    }
                    props = s.rec.props();
                    target = s;
                }
                case "folder" -> {
                    DumpTree.FolderT f = folders.get(r.path("source_key").asText().toLowerCase(Locale.ROOT));
                    if (f == null) {
                        differences.add(where + ": folder not in the dump");
                        continue;
                    }
                    props = f.rec.props();
                    target = f;
                }
                default -> {
                    Object o = resolve(r.path("path"));
                    if (o == null) {
                        differences.add(where + ": not in the dump");
                        continue;
                    }
                    target = o;
                    if (o instanceof DumpTree.MsgT m) {
                        props = m.rec.props();
                    } else if (o instanceof DumpTree.AttT a) {
                        props = a.rec.props();
                        checkData(where, r, a);
                    } else {
                        @SuppressWarnings("unchecked")
                        List<Prop> rp = (List<Prop>) o;
                        props = rp;
                    }
                }
            }
            if (kind.equals("message") && target instanceof DumpTree.MsgT m
                    && m.rec.associated() != r.path("assoc").asBoolean()) {
                differences.add(where + ": associated " + m.rec.associated());
            }
            compareProps(where, kind, r, props);
            n++;
        }
        return n;
    }

    private void checkData(String where, JsonNode r, DumpTree.AttT a) {
        for (JsonNode p : r.path("props")) {
            if ("singleinstance".equals(p.path("source").asText())) {
                JsonNode v = p.path("value");
                if (a.end.missing() || a.size != v.path("size").asLong() || !v.path("sha256").asText().equals(a.sha256)) {
                    differences.add(where + ": attachment data " + a.size + "/" + a.sha256 + " != " + v);
                }
                count("attachment data");
            }
        }
    }

    /** The dump object of a mapi-props path: message, attachment, embedded message or recipient property list. */
    private Object resolve(JsonNode path) {
        Object cur = null;
        for (int i = 2; i < path.size(); i++) {
            String e = path.get(i).asText();
            if (i == 2) {
                String id = e.startsWith("sk:") ? e.substring(3).toLowerCase(Locale.ROOT)
                        : e.startsWith("eid:") ? "eid:" + e.substring(4).toLowerCase(Locale.ROOT) : e;
                cur = messages.get(id);
            } else if (e.startsWith("att:") && cur instanceof DumpTree.MsgT m) {
                int num = Integer.parseInt(e.substring(4));
                cur = m.attachments.stream().filter(a -> {
                    Prop p = DumpTree.find(a.rec.props(), 0x0E210003);
                    return p != null && (Integer) p.value() == num;
                }).findFirst().orElse(null);
            } else if (e.equals("embedded") && cur instanceof DumpTree.AttT a) {
                cur = a.embedded;
            } else if (e.startsWith("rcpt:") && cur instanceof DumpTree.MsgT m) {
                int row = Integer.parseInt(e.substring(5));
                cur = row < m.rec.recipients().size() ? m.rec.recipients().get(row) : null;
            } else {
                return null;
            }
            if (cur == null) {
                return null;
            }
        }
        return cur;
    }

    private void compareProps(String where, String kind, JsonNode r, List<Prop> props) {
        Map<Integer, Prop> byTag = new HashMap<>();
        for (Prop p : props) {
            if (byTag.put(p.tag(), p) != null) {
                differences.add(where + ": tag " + hex(p.tag()) + " twice in the dump");
            }
        }
        Map<Integer, JsonNode> mapiByTag = new HashMap<>();
        List<JsonNode> all = new ArrayList<>();
        r.path("props").forEach(all::add);
        r.path("unlisted_props").forEach(all::add);
        for (JsonNode p : all) {
            int tag = (int) Long.parseLong(p.path("tag").asText(), 16);
            mapiByTag.put(tag, p);
            String source = p.path("source").asText("");
            if (!source.equals("properties") && !source.equals("indexedproperties")) {
                continue;
            }
            Prop d = byTag.get(tag);
            if (d == null) {
                differences.add(where + ": " + hex(tag) + " (" + source + ") missing in the dump");
                continue;
            }
            String k = kind.equals("store") && r.path("path").get(0).asText().equals("public") ? "public store" : kind;
            if (PRESENTED_DIFFERENTLY.getOrDefault(k, Set.of()).contains(tag)) {
                count(k + " presented differently " + hex(tag));
                continue;
            }
            if (kind.equals("store") && tag == 0x0FFF0102) {
                // the stored store entry id; MAPI wraps it (flags, MUID_STORE_WRAP, "zarafa6client.dll") and puts
                // the server URL ("pseudo://<server_name>") where the stored one has its 4 pad bytes
                String stored = HexFormat.of().formatHex((byte[]) d.value());
                String wrapped = STORE_WRAP + stored.substring(8, stored.length() - 8);
                if (!p.path("value").asText().toUpperCase(Locale.ROOT).startsWith(wrapped.toUpperCase(Locale.ROOT) + "70736575646F3A2F2F")) {
                    differences.add(where + ": store entry id " + d + " is not the unwrapped " + p.path("value"));
                }
                count("store indexedproperties");
                continue;
            }
            compareValue(where, d, p);
            count(kind + " " + source);
        }
        Set<Integer> computed = COMPUTED.getOrDefault(kind, Set.of());
        for (Prop d : props) {
            JsonNode p = mapiByTag.get(d.tag());
            String source = p == null ? "" : p.path("source").asText("");
            if (source.equals("properties") || source.equals("indexedproperties")) {
                continue; // compared above
            }
            if (computed.contains(d.tag()) && p != null && source.equals("computed")) {
                compareValue(where, d, p);
                count(kind + " computed " + hex(d.tag()));
                continue;
            }
            differences.add(where + ": dump has " + d + " which Kopano lists as "
                    + (p == null ? "nothing" : p.path("type").asText() + "/" + source));
        }
    }

    private void count(String what) {
        compared.merge(what, 1, Integer::sum);
    }

    private void compareValue(String where, Prop d, JsonNode p) {
        JsonNode name = p.path("name");
        if (!name.isMissingNode() && !name.isNull()) {
            PropName n = d.name();
            String guid = n == null ? null : n.guidText().replace("{", "").replace("}", "").toLowerCase(Locale.ROOT);
            boolean ok = n != null && guid.equals(name.path("guid").asText())
                    && (name.has("lid") ? n.lid() != null && n.lid() == name.path("lid").asLong()
                    : name.path("name").asText().equals(n.name()));
            if (!ok) {
                differences.add(where + ": " + hex(d.tag()) + " name " + n + " != " + name);
            }
        } else if (d.name() != null) {
            differences.add(where + ": " + hex(d.tag()) + " has name " + d.name() + " but Kopano gives none");
        }
        int type = d.tag() & 0xFFFF;
        JsonNode v = p.path("value");
        boolean ok;
        if (PropType.isMulti(type)) {
            List<?> l = (List<?>) d.value();
            ok = v.isArray() && v.size() == l.size();
            for (int i = 0; ok && i < l.size(); i++) {
                ok = scalar(PropType.base(type), l.get(i), v.get(i));
            }
        } else {
            ok = scalar(type, d.value(), v);
        }
        if (!ok) {
            differences.add(where + ": " + hex(d.tag()) + " value " + d + " != " + v);
        }
    }

    static boolean scalar(int type, Object o, JsonNode v) {
        if (v.isObject() && v.has("sha256") && (o instanceof String || o instanceof byte[])) {
            byte[] b = o instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) o;
            return b.length == v.path("size").asLong()
                    && HexFormat.of().formatHex(Sha256.digest().digest(b)).equals(v.path("sha256").asText());
        }
        switch (type) {
            case PropType.PT_SHORT, PropType.PT_LONG:
                return v.isIntegralNumber() && v.asLong() == ((Integer) o).longValue();
            case PropType.PT_I8, PropType.PT_CURRENCY:
                return v.isIntegralNumber() && v.asLong() == (Long) o;
            case PropType.PT_BOOLEAN:
                return v.isBoolean() && v.asBoolean() == (Boolean) o;
            case PropType.PT_FLOAT:
                return v.isNumber() && (float) v.asDouble() == (Float) o;
            case PropType.PT_DOUBLE, PropType.PT_APPTIME:
                return v.isNumber() && v.asDouble() == (Double) o;
            case PropType.PT_SYSTIME:
                return v.path("filetime").asLong() == (Long) o;
            case PropType.PT_UNICODE:
                return v.isTextual() && v.asText().equals(o);
            case PropType.PT_BINARY:
                return v.isTextual() && v.asText().equalsIgnoreCase(HexFormat.of().formatHex((byte[]) o));
            case PropType.PT_CLSID:
                return v.path("hex").asText().equalsIgnoreCase(HexFormat.of().formatHex((byte[]) o));
            default:
                return false;
        }
    }

    static String hex(int tag) {
        return String.format("%08X", tag);
    }
}
