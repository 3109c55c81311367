package org.kgmigration.kopano;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.PropType;

/**
 * The special folders of a store (kopano-database.md §2.4), found the way Kopano and Outlook find
 * them: by the entry ids on the store object, the root folder and the Inbox — never by name, which
 * is localised — and the Inbox by the receive-folder table.
 */
final class Roles {
    private static final int BIN = PropType.PT_BINARY;
    private static final int MVBIN = PropType.MV_FLAG | PropType.PT_BINARY;

    /** Store-object properties holding one folder entry id. */
    static final Map<Integer, String> STORE = ordered(
            0x35E0, "ipm_subtree", 0x35E2, "outbox", 0x35E3, "deleted", 0x35E4, "sent", 0x35E5, "views",
            0x35E6, "common_views", 0x35E7, "finder", 0x6630, "shortcuts", 0x661E, "schedule",
            0x6620, "non_ipm_subtree", 0x6621, "eforms_registry", 0x6622, "free_busy", 0x6625, "free_busy_local_site");
    /** Root-folder / Inbox properties holding one folder entry id. */
    static final Map<Integer, String> ROOT = ordered(
            0x36D0, "calendar", 0x36D1, "contacts", 0x36D2, "journal", 0x36D3, "notes", 0x36D4, "tasks",
            0x36D7, "drafts");
    /** PR_ADDITIONAL_REN_ENTRYIDS elements. */
    static final String[] ADDITIONAL_REN = {"conflicts", "sync_issues", "local_failures", "server_failures", "junk"};
    /** PR_ADDITIONAL_REN_ENTRYIDS_EX block ids. */
    static final Map<Integer, String> REN_EX = ordered(0x8001, "rss_feeds", 0x8006, "conversation_action_settings",
            0x8007, "quick_step_settings", 0x8008, "suggested_contacts");

    private Roles() {
    }

    private static Map<Integer, String> ordered(Object... kv) {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((Integer) kv[i], (String) kv[i + 1]);
        }
        return m;
    }

    /** Bytes 26–27 (the entry id's flags) are not part of the identity: Kopano zeroes them before looking up. */
    static String key(byte[] entryId) {
        byte[] e = entryId.clone();
        if (e.length >= 28) {
            e[26] = 0;
            e[27] = 0;
        }
        return HexFormat.of().formatHex(e);
    }

    /**
     * Role → folder for one store.
     *
     * @param inbox the Inbox from the receive-folder table, or null
     */
    static Map<String, FolderNode> find(FolderTree tree, List<Prop> storeProps, List<Prop> rootProps,
                                        List<Prop> inboxProps, FolderNode inbox) {
        Map<String, FolderNode> byEntryId = new HashMap<>();
        for (FolderNode n : tree.all()) {
            if (n.entryId != null && n.entryId.length > 0) {
                byEntryId.putIfAbsent(key(n.entryId), n);
            }
        }
        Map<String, FolderNode> roles = new LinkedHashMap<>();
        if (!tree.roots().isEmpty()) {
            roles.put("root", tree.roots().get(0));
        }
        if (inbox != null) {
            roles.put("inbox", inbox);
        }
        STORE.forEach((id, role) -> put(roles, role, single(storeProps, id), byEntryId));
        for (List<Prop> props : java.util.Arrays.asList(rootProps, inboxProps)) {
            if (props == null) {
                continue;
            }
            ROOT.forEach((id, role) -> put(roles, role, single(props, id), byEntryId));
            List<byte[]> ren = multi(props, 0x36D8);
            for (int i = 0; i < ren.size() && i < ADDITIONAL_REN.length; i++) {
                put(roles, ADDITIONAL_REN[i], ren.get(i), byEntryId);
            }
            byte[] ex = single(props, 0x36D9);
            if (ex != null) {
                parseRenEx(ex).forEach((block, eid) -> {
                    String role = REN_EX.get(block);
                    if (role != null) {
                        put(roles, role, eid, byEntryId);
                    }
                });
            }
            List<byte[]> fb = multi(props, 0x36E4);
            if (fb.size() > 3) {
                put(roles, "freebusy_data", fb.get(3), byEntryId);
            }
        }
        return roles;
    }

    private static void put(Map<String, FolderNode> roles, String role, byte[] entryId, Map<String, FolderNode> byEid) {
        if (entryId == null || entryId.length == 0 || roles.containsKey(role)) {
            return;
        }
        FolderNode n = byEid.get(key(entryId));
        if (n != null) {
            roles.put(role, n);
        }
    }

    static byte[] single(List<Prop> props, int id) {
        if (props == null) {
            return null;
        }
        for (Prop p : props) {
            if (p.tag() == ((id << 16) | BIN) && p.value() instanceof byte[] b) {
                return b;
            }
        }
        return null;
    }

    static List<byte[]> multi(List<Prop> props, int id) {
        if (props == null) {
            return List.of();
        }
        for (Prop p : props) {
            if (p.tag() == ((id << 16) | MVBIN) && p.value() instanceof List<?> l) {
                return l.stream().map(o -> (byte[]) o).toList();
            }
        }
        return List.of();
    }

    /**
     * PR_ADDITIONAL_REN_ENTRYIDS_EX: blocks of (u16 block id, u16 size, elements), each element
     * (u16 element id, u16 size, data), element id 1 = entry id; ends with a zero block id.
     */
    static Map<Integer, byte[]> parseRenEx(byte[] v) {
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 4) {
            int block = b.getShort() & 0xFFFF;
            int size = b.getShort() & 0xFFFF;
            if (block == 0 || size > b.remaining()) {
                break;
            }
            ByteBuffer elems = b.slice(b.position(), size).order(ByteOrder.LITTLE_ENDIAN);
            b.position(b.position() + size);
            while (elems.remaining() >= 4) {
                int elem = elems.getShort() & 0xFFFF;
                int len = elems.getShort() & 0xFFFF;
                if (len > elems.remaining()) {
                    break;
                }
                byte[] data = new byte[len];
                elems.get(data);
                if (elem == 1) {
                    out.putIfAbsent(block, data);
                }
            }
        }
        return out;
    }
}
