package org.kgmigration.migrate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kgmigration.stream.DumpFormat;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.DumpRecord.Attachment;
import org.kgmigration.stream.DumpRecord.AttachmentEnd;
import org.kgmigration.stream.DumpRecord.Folder;
import org.kgmigration.stream.DumpRecord.FolderEnd;
import org.kgmigration.stream.DumpRecord.Header;
import org.kgmigration.stream.DumpRecord.Message;
import org.kgmigration.stream.DumpRecord.MessageEnd;
import org.kgmigration.stream.DumpRecord.Owner;
import org.kgmigration.stream.DumpRecord.Store;
import org.kgmigration.stream.DumpRecord.StoreEnd;
import org.kgmigration.stream.DumpRecord.Totals;
import org.kgmigration.stream.DumpRecord.Trailer;
import org.kgmigration.stream.DumpWriter;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.PropName;

/**
 * Writes dumps for the migrate tests with {@link DumpWriter}: hex source keys as kgdump writes
 * them, message classes, every property type, named properties, recipients, attachments (data in
 * chunks), embedded messages, missing attachment data, with the counts that DumpValidator checks.
 */
public final class TestDump {
    public static final int PR_SUBJECT = 0x0037001F;
    public static final int PR_MESSAGE_CLASS = 0x001A001F;
    public static final int PR_DISPLAY_NAME = 0x3001001F;
    public static final int PR_ATTACH_FILENAME = 0x3704001F;
    public static final int PR_CONTAINER_CLASS = 0x3613001F;
    public static final byte[] PS_PUBLIC_STRINGS = PropName.guidBytes("{00020329-0000-0000-C000-000000000046}");
    public static final byte[] PSETID_APPOINTMENT = PropName.guidBytes("{00062002-0000-0000-C000-000000000046}");

    private final DumpWriter w;
    private final Map<String, Totals> totals = new LinkedHashMap<>();
    private final Map<String, Object> selection = new LinkedHashMap<>();
    private final List<Map<String, Object>> index = new ArrayList<>();
    private String store;
    private String folder;
    private long[] s = new long[6];
    private long[] f = new long[4];
    private int depth;
    private long startedMillis = 1_700_000_000_000L;

    public TestDump(OutputStream out, boolean compress) {
        this.w = new DumpWriter(out, compress);
    }

    public static TestDump to(Path file) {
        try {
            return new TestDump(Files.newOutputStream(file), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a store index into the Header (as kgdump does). Call before {@link #header()}. */
    public TestDump index(String guid, String type, String login, String email) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("guid", guid);
        m.put("type", type);
        if (login != null) {
            m.put("loginName", login);
        }
        if (email != null) {
            m.put("email", email);
        }
        index.add(m);
        return this;
    }

    public TestDump started(long millis) {
        this.startedMillis = millis;
        return this;
    }

    public TestDump header() {
        selection.put("stores", List.of());
        if (!index.isEmpty()) {
            selection.put("storeIndex", index);
        }
        return put(new Header(DumpFormat.VERSION, "kgdump", "0.1.0-test", "494b7c9c3c6442dd82cfea7acc74907c", 63,
                "files_v2", selection, startedMillis, Map.of("compress", false)));
    }

    public TestDump put(DumpRecord r) {
        try {
            w.write(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public TestDump store(String guid, String type, String login, String email) {
        store = guid;
        s = new long[6];
        Owner owner = login == null && email == null ? null
                : new Owner(3, login, email, "User " + login, "0a0b", 0x10001, true, login, 0);
        return put(new Store(guid, type, owner, List.of(Prop.of(PR_DISPLAY_NAME, "Mailbox - " + login)),
                List.of(new DumpRecord.Acl(1, "everyone", 2, 1)), List.of(), Map.of()));
    }

    /** The usual skeleton: root, IPM subtree; returns the subtree id. */
    public TestDump skeleton(String rootId, String ipmId) {
        folder(rootId, null, "root", "");
        endFolder();
        folder(ipmId, rootId, "ipm_subtree", "IPM_SUBTREE");
        return endFolder();
    }

    public TestDump folder(String id, String parent, String role, String name) {
        return folder(id, parent, role, name, null, false);
    }

    public TestDump folder(String id, String parent, String role, String name, String containerClass, boolean deleted) {
        folder = id;
        s[0]++;
        f = new long[4];
        List<Prop> props = new ArrayList<>();
        props.add(Prop.of(PR_DISPLAY_NAME, name));
        props.add(Prop.of(0x65E00102, hex(id)));
        if (containerClass != null) {
            props.add(Prop.of(PR_CONTAINER_CLASS, containerClass));
        }
        return put(new Folder(id, parent, role, deleted, props, List.of()));
    }

    public TestDump endFolder() {
        return put(new FolderEnd(folder, f[0], f[1], f[2], f[3]));
    }

    /** A top-level message with the given class and subject plus one recipient. */
    public TestDump message(String id, String cls, String subject) {
        return message(id, false, false, cls, List.of(Prop.of(PR_SUBJECT, subject)));
    }

    public TestDump message(String id, boolean associated, boolean deleted, String cls, List<Prop> extra) {
        if (associated) {
            f[1]++;
            s[2]++;
        } else {
            f[0]++;
            s[1]++;
        }
        List<Prop> props = new ArrayList<>();
        if (cls != null) {
            props.add(Prop.of(PR_MESSAGE_CLASS, cls));
        }
        props.addAll(extra);
        depth++;
        return put(new Message(id, associated, deleted, false, props,
                List.of(List.of(Prop.of(0x3001001F, "Rcpt"), Prop.of(0x39FE001F, "rcpt@example.org"),
                        Prop.of(0x0C150003, 1)))));
    }

    public TestDump attachment(String name, byte[] data) {
        f[2]++;
        s[3]++;
        put(new Attachment(List.of(Prop.of(PR_ATTACH_FILENAME, name), Prop.of(0x37050003, 1))));
        try {
            AttachmentEnd end = w.writeData(new ByteArrayInputStream(data));
            f[3] += end.size();
            s[4] += end.size();
            return put(end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An attachment whose data comes from a stream (for data too large to hold in memory). */
    public TestDump attachment(String name, java.io.InputStream data) {
        f[2]++;
        s[3]++;
        put(new Attachment(List.of(Prop.of(PR_ATTACH_FILENAME, name), Prop.of(0x37050003, 1))));
        try {
            AttachmentEnd end = w.writeData(data);
            f[3] += end.size();
            s[4] += end.size();
            return put(end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code size} pseudo-random bytes, generated on the fly. */
    public static java.io.InputStream generated(long size, int seed) {
        return new java.io.InputStream() {
            final java.util.Random r = new java.util.Random(seed);
            long left = size;

            @Override
            public int read() {
                if (left <= 0) {
                    return -1;
                }
                left--;
                return r.nextInt(256);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                byte[] x = new byte[n];
                r.nextBytes(x);
                System.arraycopy(x, 0, b, off, n);
                left -= n;
                return n;
            }
        };
    }

    public TestDump missingAttachment(String name) {
        f[2]++;
        s[3]++;
        s[5]++;
        put(new Attachment(List.of(Prop.of(PR_ATTACH_FILENAME, name))));
        return put(new AttachmentEnd(0, null, true, "not found: /var/lib/kopano/attachments/1/2/3"));
    }

    public TestDump embedded(String cls, String subject) {
        f[2]++;
        s[3]++;
        put(new Attachment(List.of(Prop.of(0x37050003, 5))));
        depth++;
        List<Prop> props = new ArrayList<>();
        if (cls != null) {
            props.add(Prop.of(PR_MESSAGE_CLASS, cls));
        }
        props.add(Prop.of(PR_SUBJECT, subject));
        return put(new Message(null, false, false, true, props, List.of(List.of(Prop.of(0x39FE001F, "x@example.org")))));
    }

    public TestDump endEmbedded() {
        endMessage();
        return put(new AttachmentEnd(0, null, false, null));
    }

    public TestDump endMessage() {
        depth--;
        return put(new MessageEnd());
    }

    public TestDump endStore() {
        Totals t = new Totals(s[0], s[1], s[2], s[3], s[4], s[5], Map.of());
        totals.put(store, t);
        return put(new StoreEnd(store, t));
    }

    public void finish() {
        long[] a = new long[6];
        for (Totals t : totals.values()) {
            a[0] += t.folders();
            a[1] += t.messages();
            a[2] += t.associated();
            a[3] += t.attachments();
            a[4] += t.attachmentBytes();
            a[5] += t.missingAttachments();
        }
        put(new Trailer(totals, new Totals(a[0], a[1], a[2], a[3], a[4], a[5], Map.of()), w.recordsWritten(),
                startedMillis + 100_000));
        try {
            w.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Properties of every type the dump carries, with a named property by LID and one by name. */
    public static List<Prop> allTypes(int seed) {
        List<Prop> p = new ArrayList<>();
        p.add(Prop.of(0x0E170003, seed));                                   // PT_LONG
        p.add(Prop.of(0x10800002, 7));                                      // PT_SHORT
        p.add(Prop.of(0x3FFA0004, 1.5f));                                   // PT_FLOAT
        p.add(Prop.of(0x3FFB0005, Math.PI));                                // PT_DOUBLE
        p.add(Prop.of(0x3FFC0006, 123456789012L));                          // PT_CURRENCY
        p.add(Prop.of(0x3FFD0007, 44000.25));                               // PT_APPTIME
        p.add(Prop.of(0x0E080014, 9_007_199_254_740_993L));                 // PT_I8 beyond double precision
        p.add(Prop.of(0x0057000B, true));                                   // PT_BOOLEAN
        p.add(Prop.of(0x0039001F, "Grüße ✓ " + seed));                      // PT_UNICODE
        p.add(Prop.of(0x00390040, 133_000_000_000_000_000L + seed));        // PT_SYSTIME
        p.add(Prop.of(0x3FFE0048, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) seed}));
        p.add(Prop.of(0x10090102, new byte[] {0, (byte) 0xFF, 0x10, (byte) seed}));  // PT_BINARY
        p.add(Prop.of(0x3FFF1003, List.of(1, 2, seed)));                    // PT_MV_LONG
        p.add(Prop.of(0x3FF5101F, List.of("a", "b", "ü")));                 // PT_MV_UNICODE
        p.add(Prop.of(0x3FF41102, List.of(new byte[] {1}, new byte[] {2, 3})));  // PT_MV_BINARY
        p.add(Prop.of(0x3FF31014, List.of(Long.MAX_VALUE, Long.MIN_VALUE)));       // PT_MV_I8
        p.add(Prop.of(0x3FF21040, List.of(1L, 2L)));                        // PT_MV_SYSTIME
        p.add(Prop.of(0x3FF11005, List.of(0.5, -2.25)));                    // PT_MV_DOUBLE
        p.add(Prop.of(0x3FF00005, Double.NaN));                             // NaN
        p.add(new Prop(0x8005001F, "keyword " + seed, PropName.ofName(PS_PUBLIC_STRINGS, "Keywords")));
        p.add(new Prop(0x80120040, 133_100_000_000_000_000L, PropName.ofLid(PSETID_APPOINTMENT, 0x820D)));
        return p;
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }

    public static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    /** A store GUID of 32 hex digits made from a small number. */
    public static String guid(int n) {
        return String.format("%032x", 0xabc0000L + n);
    }

    /** A source key (hex) made from a prefix number and an index. */
    public static String key(int prefix, int n) {
        return String.format("%04x%08x", prefix, n);
    }

    public static int typeOf(int tag) {
        return tag & 0xFFFF;
    }

}
