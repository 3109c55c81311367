package org.kgmigration.importer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Builds API request bodies for tests. */
final class Payloads {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String STORE = "6305660D864E437EB5BEFA0F3B1E8DF2";

    private Payloads() {
    }

    static ObjectNode prop(String tag, String type, Object value) {
        ObjectNode p = JSON.createObjectNode();
        p.put("tag", tag);
        p.put("type", type);
        p.set("value", JSON.valueToTree(value));
        return p;
    }

    static ObjectNode named(String tag, String type, Object value, String guid, Long lid, String name) {
        ObjectNode p = prop(tag, type, value);
        ObjectNode n = p.putObject("name");
        n.put("guid", guid);
        if (lid != null) {
            n.put("lid", lid);
        } else {
            n.put("name", name);
        }
        return p;
    }

    static ObjectNode message(String sourceKey, String folder, String messageClass, String subject) {
        ObjectNode m = JSON.createObjectNode();
        m.put("sourceKey", sourceKey);
        m.put("folder", folder);
        m.put("messageClass", messageClass);
        m.put("associated", false);
        ArrayNode props = m.putArray("properties");
        props.add(prop("0x001A001F", "PT_UNICODE", messageClass));
        props.add(prop("0x0037001F", "PT_UNICODE", subject));
        m.putArray("recipients");
        m.putArray("attachments");
        return m;
    }

    static ObjectNode attachment(String fileName, String sha256, long size) {
        ObjectNode a = JSON.createObjectNode();
        a.putArray("properties").add(prop("0x3707001F", "PT_UNICODE", fileName));
        if (sha256 != null) {
            ObjectNode b = a.putObject("blob");
            b.put("sha256", sha256);
            b.put("size", size);
        }
        a.put("missing", false);
        return a;
    }

    static String batch(ObjectNode... items) {
        ObjectNode b = JSON.createObjectNode();
        ArrayNode a = b.putArray("items");
        for (ObjectNode i : items) {
            a.add(i);
        }
        return b.toString();
    }

    static ObjectNode folder(String sourceKey, String parent, String role, String name, String cls) {
        ObjectNode f = JSON.createObjectNode();
        f.put("sourceKey", sourceKey);
        if (parent != null) {
            f.put("parent", parent);
        }
        if (role != null) {
            f.put("role", role);
        }
        f.put("displayName", name);
        if (cls != null) {
            f.put("containerClass", cls);
        }
        f.putArray("properties").add(prop("0x3001001F", "PT_UNICODE", name));
        return f;
    }

    static String folders(ObjectNode... folders) {
        ObjectNode b = JSON.createObjectNode();
        ArrayNode a = b.putArray("folders");
        for (ObjectNode f : folders) {
            a.add(f);
        }
        return b.toString();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A source key of 22 bytes as Kopano makes them, distinct per n. */
    static String key(int n) {
        return String.format("%044X", n);
    }
}
