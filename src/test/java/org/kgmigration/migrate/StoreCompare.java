package org.kgmigration.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.kgmigration.api.AttachmentItem;
import org.kgmigration.api.EmbeddedMessage;
import org.kgmigration.api.MessageItem;
import org.kgmigration.api.Property;
import org.kgmigration.importer.store.MailboxStore;
import org.kgmigration.stream.DumpReader;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.PropName;
import org.kgmigration.stream.PropType;

/**
 * Reads a dump and the importer's mailbox store side by side and lists every difference: each
 * message that should be there (per {@code expected}) is read back and compared property by
 * property (tag, type, name, value decoded independently from the wire form), recipient by
 * recipient, attachment by attachment (the stored data's SHA-256 against the dump's Data bytes)
 * and embedded message by embedded message.
 */
public final class StoreCompare {
    /** A top-level message of the dump with the store it belongs to. */
    public record DumpMessage(String storeGuid, String folderId, DumpRecord.Message message) {
    }

    private final MailboxStore store;
    private final Map<String, String> upnByStore;
    private final List<String> differences = new ArrayList<>();
    private long compared;

    public StoreCompare(MailboxStore store, Map<String, String> upnByStore) {
        this.store = store;
        this.upnByStore = upnByStore;
    }

    public List<String> differences() {
        return differences;
    }

    public long compared() {
        return compared;
    }

    /** Compares every message of {@code dump} for which {@code expected} holds; the others must be absent. */
    public StoreCompare run(Path dump, Predicate<DumpMessage> expected) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(dump)); DumpReader r = new DumpReader(in)) {
            String storeGuid = null;
            String folder = null;
            Deque<Object> stack = new ArrayDeque<>();
            DumpRecord rec;
            while ((rec = r.next()) != null) {
                if (rec instanceof DumpRecord.Store s) {
                    storeGuid = s.guid();
                } else if (rec instanceof DumpRecord.Folder f) {
                    folder = f.id();
                } else if (rec instanceof DumpRecord.Message m) {
                    Msg msg = new Msg(m, storeGuid, folder);
                    stack.push(msg);
                } else if (rec instanceof DumpRecord.Attachment a) {
                    stack.push(new Att(a.props()));
                } else if (rec instanceof DumpRecord.Data d) {
                    ((Att) stack.peek()).sha.update(d.bytes());
                } else if (rec instanceof DumpRecord.AttachmentEnd e) {
                    Att a = (Att) stack.pop();
                    a.end = e;
                    ((Msg) stack.peek()).atts.add(a);
                } else if (rec instanceof DumpRecord.MessageEnd) {
                    Msg m = (Msg) stack.pop();
                    if (m.rec.embedded()) {
                        ((Att) stack.peek()).embedded = m;
                    } else {
                        check(m, expected.test(new DumpMessage(m.store, m.folder, m.rec)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private static final class Msg {
        final DumpRecord.Message rec;
        final String store;
        final String folder;
        final List<Att> atts = new ArrayList<>();

        Msg(DumpRecord.Message rec, String store, String folder) {
            this.rec = rec;
            this.store = store;
            this.folder = folder;
        }
    }

    private static final class Att {
        final List<Prop> props;
        final MessageDigest sha = sha();
        DumpRecord.AttachmentEnd end;
        Msg embedded;

        Att(List<Prop> props) {
            this.props = props;
        }
    }

    private void check(Msg m, boolean expected) {
        String upn = upnByStore.get(m.store);
        String where = "store " + m.store + " message " + m.rec.id();
        MessageItem got = upn == null ? null : store.readMessage(upn, m.store.toUpperCase(Locale.ROOT),
                m.rec.id().toUpperCase(Locale.ROOT));
        if (!expected) {
            if (got != null) {
                differences.add(where + ": imported although it should have been skipped");
            }
            return;
        }
        compared++;
        if (got == null) {
            differences.add(where + ": missing in the mailbox store");
            return;
        }
        if (got.associated() != m.rec.associated()) {
            differences.add(where + ": associated " + got.associated() + " instead of " + m.rec.associated());
        }
        if (!m.folder.equalsIgnoreCase(String.valueOf(got.folder()))) {
            differences.add(where + ": in folder " + got.folder() + " instead of " + m.folder);
        }
        body(where, m, got.properties(), got.recipients(), got.attachments());
    }

    private void body(String where, Msg m, List<Property> props, List<List<Property>> recips, List<AttachmentItem> atts) {
        props(where + " properties", m.rec.props(), props);
        List<List<Prop>> want = m.rec.recipients() == null ? List.of() : m.rec.recipients();
        if (want.size() != recips.size()) {
            differences.add(where + ": " + recips.size() + " recipients instead of " + want.size());
        } else {
            for (int i = 0; i < want.size(); i++) {
                props(where + " recipient " + i, want.get(i), recips.get(i));
            }
        }
        if (m.atts.size() != atts.size()) {
            differences.add(where + ": " + atts.size() + " attachments instead of " + m.atts.size());
            return;
        }
        for (int i = 0; i < atts.size(); i++) {
            Att a = m.atts.get(i);
            AttachmentItem g = atts.get(i);
            String w = where + " attachment " + i;
            props(w, a.props, g.properties());
            if (a.end.missing()) {
                if (!g.missing() || g.blob() != null) {
                    differences.add(w + ": should be marked missing");
                }
            } else if (a.embedded != null) {
                EmbeddedMessage e = g.embedded();
                if (e == null) {
                    differences.add(w + ": embedded message missing");
                } else {
                    body(w + " embedded", a.embedded, e.properties(), e.recipients(), e.attachments());
                }
            } else if (a.end.size() > 0) {
                String dumpSha = HexFormat.of().formatHex(a.sha.digest());
                if (g.blob() == null) {
                    differences.add(w + ": data missing");
                } else {
                    String stored = storedSha(g.blob().sha256());
                    if (!dumpSha.equals(stored) || g.blob().size() != a.end.size()) {
                        differences.add(w + ": data differs (dump " + dumpSha + "/" + a.end.size() + ", stored " + stored
                                + "/" + g.blob().size() + ")");
                    }
                }
            } else if (g.blob() != null) {
                differences.add(w + ": has data, the dump has none");
            }
        }
    }

    private String storedSha(String sha) {
        MessageDigest d = sha();
        try (InputStream in = store.openBlob(sha)) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            return "unreadable: " + e;
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private void props(String where, List<Prop> want, List<Property> got) {
        if (want.size() != got.size()) {
            differences.add(where + ": " + got.size() + " properties instead of " + want.size() + ": " + got);
            return;
        }
        for (int i = 0; i < want.size(); i++) {
            Prop w = want.get(i);
            Prop g;
            try {
                g = decode(got.get(i));
            } catch (RuntimeException e) {
                differences.add(where + " property " + i + ": cannot decode " + got.get(i) + ": " + e);
                continue;
            }
            if (!w.equals(g)) {
                differences.add(where + ": " + g + " instead of " + w);
            }
        }
    }

    /** The wire form back to a dump property, independently of the code that made it. */
    public static Prop decode(Property p) {
        int tag = (int) Long.parseLong(p.tag().substring(2), 16);
        int type = tag & 0xFFFF;
        String expectedName = PropType.name(type);
        if (!p.type().equals(expectedName) && !(type == 0x00FB || type == 0x0001)) {
            throw new IllegalArgumentException("type " + p.type() + " for tag " + p.tag());
        }
        Object v;
        if (PropType.isMulti(type)) {
            List<Object> l = new ArrayList<>();
            for (JsonNode n : p.value()) {
                l.add(single(PropType.base(type), n));
            }
            v = l;
        } else {
            v = single(type, p.value());
        }
        PropName name = null;
        if (p.name() != null) {
            byte[] g = PropName.guidBytes(p.name().guid());
            name = p.name().lid() != null ? PropName.ofLid(g, p.name().lid()) : PropName.ofName(g, p.name().name());
        }
        return new Prop(tag, v, name);
    }

    private static Object single(int type, JsonNode n) {
        return switch (type) {
            case PropType.PT_SHORT, PropType.PT_LONG, PropType.PT_ERROR -> n.intValue();
            case PropType.PT_FLOAT -> n.isTextual() ? Float.parseFloat(n.asText()) : n.floatValue();
            case PropType.PT_DOUBLE, PropType.PT_APPTIME -> n.isTextual() ? Double.parseDouble(n.asText()) : n.doubleValue();
            case PropType.PT_CURRENCY, PropType.PT_I8, PropType.PT_SYSTIME -> Long.parseLong(n.asText());
            case PropType.PT_BOOLEAN -> n.booleanValue();
            case PropType.PT_STRING8, PropType.PT_UNICODE -> n.textValue();
            default -> Base64.getDecoder().decode(n.asText());
        };
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
