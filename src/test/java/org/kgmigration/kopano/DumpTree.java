package org.kgmigration.kopano;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.RecordSink;
import org.kgmigration.stream.Sha256;

/**
 * A test sink that checks the record grammar of a dump while it is written and builds a tree of
 * it; attachment data is only hashed (never kept), and every record is folded into a canonical
 * digest so that two dumps can be compared for equivalence.
 */
final class DumpTree implements RecordSink {
    DumpRecord.Header header;
    DumpRecord.Trailer trailer;
    final List<StoreT> stores = new ArrayList<>();
    long records;
    long dataRecords;
    long maxChunk;
    private final MessageDigest digest = Sha256.digest();
    private final Deque<Object> open = new ArrayDeque<>();
    private MessageDigest attSha;
    private long attSize;

    static final class StoreT {
        DumpRecord.Store rec;
        final List<FolderT> folders = new ArrayList<>();
        DumpRecord.StoreEnd end;
    }

    static final class FolderT {
        DumpRecord.Folder rec;
        FolderT parent;
        final List<MsgT> messages = new ArrayList<>();
        DumpRecord.FolderEnd end;
        StoreT store;

        String name() {
            for (Prop p : rec.props()) {
                if (p.tag() == 0x3001001F) {
                    return (String) p.value();
                }
            }
            return null;
        }

        /** Display names from the root folder's children, '/'-joined (root = ""), as in mapi-props.jsonl. */
        String path() {
            if (parent == null) {
                return "";
            }
            String n = name() == null ? "" : name().replace("%", "%25").replace("/", "%2F");
            return parent.parent == null ? n : parent.path() + "/" + n;
        }
    }

    static final class MsgT {
        DumpRecord.Message rec;
        final List<AttT> attachments = new ArrayList<>();
        FolderT folder;

        Prop prop(int tag) {
            return find(rec.props(), tag);
        }
    }

    static final class AttT {
        DumpRecord.Attachment rec;
        long size;
        String sha256;
        MsgT embedded;
        DumpRecord.AttachmentEnd end;
    }

    static Prop find(List<Prop> props, int tag) {
        for (Prop p : props) {
            if (p.tag() == tag) {
                return p;
            }
        }
        return null;
    }

    @Override
    public void write(DumpRecord r) {
        records++;
        canon(r);
        Object top = open.peek();
        if (r instanceof DumpRecord.Header h) {
            check(header == null && stores.isEmpty(), "header first and once");
            header = h;
        } else if (r instanceof DumpRecord.Store s) {
            check(header != null && open.isEmpty() && trailer == null, "store at top level");
            StoreT st = new StoreT();
            st.rec = s;
            stores.add(st);
            open.push(st);
        } else if (r instanceof DumpRecord.Folder f) {
            check(top instanceof StoreT, "folder inside a store");
            StoreT st = (StoreT) top;
            FolderT ft = new FolderT();
            ft.rec = f;
            ft.store = st;
            if (f.parentId() != null) {
                ft.parent = st.folders.stream().filter(x -> x.rec.id().equals(f.parentId())).findFirst().orElse(null);
                check(ft.parent != null, "parent folder " + f.parentId() + " written before " + f.id());
            }
            st.folders.add(ft);
            open.push(ft);
        } else if (r instanceof DumpRecord.Message m) {
            MsgT mt = new MsgT();
            mt.rec = m;
            if (top instanceof FolderT ft) {
                check(!m.embedded(), "top-level message not embedded");
                mt.folder = ft;
                ft.messages.add(mt);
            } else {
                check(top instanceof AttT a && a.embedded == null && attSize == 0 && m.embedded(),
                        "embedded message inside an attachment");
                ((AttT) top).embedded = mt;
            }
            open.push(mt);
        } else if (r instanceof DumpRecord.Attachment a) {
            check(top instanceof MsgT, "attachment inside a message");
            AttT at = new AttT();
            at.rec = a;
            ((MsgT) top).attachments.add(at);
            open.push(at);
            attSha = Sha256.digest();
            attSize = 0;
        } else if (r instanceof DumpRecord.Data d) {
            check(top instanceof AttT a && a.embedded == null, "data inside an attachment");
            check(d.bytes().length > 0 && d.bytes().length <= org.kgmigration.stream.DumpFormat.MAX_CHUNK, "chunk size");
            attSha.update(d.bytes());
            attSize += d.bytes().length;
            dataRecords++;
            maxChunk = Math.max(maxChunk, d.bytes().length);
        } else if (r instanceof DumpRecord.AttachmentEnd e) {
            check(top instanceof AttT, "attachment end");
            AttT at = (AttT) open.pop();
            at.end = e;
            at.size = at.embedded == null ? attSize : 0;
            at.sha256 = at.size == 0 ? null : HexFormat.of().formatHex(attSha.digest());
            check(e.size() == at.size, "attachment end size " + e.size() + " = data " + at.size);
            check(e.missing() || java.util.Objects.equals(e.sha256(), at.sha256), "attachment sha256");
        } else if (r instanceof DumpRecord.MessageEnd) {
            check(top instanceof MsgT, "message end");
            open.pop();
        } else if (r instanceof DumpRecord.FolderEnd e) {
            check(top instanceof FolderT ft && ft.rec.id().equals(e.id()), "folder end matches folder");
            ((FolderT) open.pop()).end = e;
        } else if (r instanceof DumpRecord.StoreEnd e) {
            check(top instanceof StoreT st && st.rec.guid().equals(e.guid()), "store end matches store");
            ((StoreT) open.pop()).end = e;
        } else if (r instanceof DumpRecord.Trailer t) {
            check(open.isEmpty() && trailer == null, "trailer last");
            trailer = t;
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("dump grammar violated: " + what);
        }
    }

    /** Folds a record into the digest; header and trailer only by their stable parts. */
    private void canon(DumpRecord r) {
        String s;
        if (r instanceof DumpRecord.Header h) {
            s = "H" + h.formatVersion() + h.sourceServerGuid() + h.schemaRevision() + h.selection();
        } else if (r instanceof DumpRecord.Trailer t) {
            s = "T" + t.stores() + t.total() + t.records();
        } else if (r instanceof DumpRecord.Data d) {
            s = "D" + HexFormat.of().formatHex(Sha256.digest().digest(d.bytes()));
        } else if (r instanceof DumpRecord.Message m) {
            s = "M" + m.id() + m.associated() + m.deleted() + m.embedded() + props(m.props())
                    + m.recipients().stream().map(DumpTree::props).toList();
        } else if (r instanceof DumpRecord.Folder f) {
            s = "F" + f.id() + f.parentId() + f.role() + f.deleted() + props(f.props()) + f.acl();
        } else if (r instanceof DumpRecord.Store s2) {
            s = "S" + s2.guid() + s2.type() + s2.owner() + props(s2.props()) + s2.acl() + s2.receiveFolders()
                    + s2.specialFolders();
        } else if (r instanceof DumpRecord.Attachment a) {
            s = "A" + props(a.props());
        } else {
            s = r.toString();
        }
        digest.update(s.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
    }

    static String props(List<Prop> props) {
        StringBuilder b = new StringBuilder();
        for (Prop p : props) {
            b.append(String.format("%08X", p.tag())).append(p.name() == null ? "" : p.name().toString()).append('=')
                    .append(value(p.value())).append(';');
        }
        return b.toString();
    }

    private static String value(Object v) {
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof List<?> l) {
            return l.stream().map(DumpTree::value).toList().toString();
        }
        return String.valueOf(v);
    }

    /** Canonical digest of everything written (equal for equivalent dumps). */
    String digest() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    StoreT store(String guid) {
        return stores.stream().filter(s -> s.rec.guid().equalsIgnoreCase(guid)).findFirst().orElse(null);
    }

    List<MsgT> allTopMessages() {
        List<MsgT> out = new ArrayList<>();
        for (StoreT s : stores) {
            for (FolderT f : s.folders) {
                out.addAll(f.messages);
            }
        }
        return out;
    }

    static Map<String, Long> skipped(DumpRecord.Totals t) {
        return t.skipped();
    }
}
