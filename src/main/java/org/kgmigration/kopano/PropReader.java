package org.kgmigration.kopano;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.kgmigration.stream.Prop;
import org.kgmigration.stream.PropName;
import org.kgmigration.stream.PropType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes rows of the property queries ({@code object-props.sql}, {@code level-props.sql}) into
 * {@link Prop}s exactly as Kopano presents them over MAPI (kopano-database.md §3):
 *
 * <ul>
 *   <li>{@code val_ulong} is unsigned: PT_LONG is its low 32 bits as a signed int, PT_SHORT the low
 *       16 bits as a signed short, PT_BOOLEAN non-zero (PR_SUBFOLDERS stores a count);
 *   <li>PT_SYSTIME and PT_CURRENCY are {@code (val_hi << 32) | val_lo} with {@code val_lo} unsigned;
 *   <li>PT_FLOAT is the stored double narrowed to float;
 *   <li>strings (PT_STRING8 30 / 4126 and PT_UNICODE 31 / 4127) are UTF-8 in the database and become
 *       PT_UNICODE / PT_MV_UNICODE; invalid byte sequences are replaced by U+FFFD, reported and counted;
 *   <li>multi-valued rows are grouped by (id, type) and ordered by {@code orderid};
 *   <li>indexed rows are PR_ENTRYID (0x0FFF) and PR_SOURCE_KEY (0x65E0), PT_BINARY;
 *   <li>ids of 0x8000 and up get their {@link PropName}; an id without a name is left out, reported
 *       and counted (Kopano's own clients cannot see such rows either).
 * </ul>
 * A row whose value column is NULL is broken (Kopano treats the property as absent): it is left
 * out, reported and counted. Not thread-safe: one per reading thread.
 */
final class PropReader {
    private static final Logger LOG = LoggerFactory.getLogger(PropReader.class);

    static final int KIND = 1;
    static final int HID = 2;
    static final int TAG = 3;
    static final int TYPE = 4;
    static final int ORDERID = 5;
    static final int ULONG = 6;
    static final int STRING = 7;
    static final int BINARY = 8;
    static final int DOUBLE = 9;
    static final int LONGINT = 10;
    static final int HI = 11;
    static final int LO = 12;

    private final NamedProps names;
    private final Tally tally;
    private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    PropReader(NamedProps names, Tally tally) {
        this.names = names;
        this.tally = tally;
    }

    /** The properties of one object while they are being read. */
    static final class Bag {
        /** Single values in the order read; sorted and freed of duplicate tags by {@link #finish}. */
        private final List<Prop> single = new ArrayList<>();
        private Map<Integer, TreeMap<Integer, Object>> multi;
        private Map<Integer, PropName> multiNames;
        private boolean sorted = true;
        private List<Prop> done;

        /** Finished list, ordered by tag (unsigned). */
        List<Prop> props() {
            if (done == null) {
                List<Prop> out = new ArrayList<>(single.size() + (multi == null ? 0 : multi.size()));
                out.addAll(single);
                if (multi != null) {
                    for (Map.Entry<Integer, TreeMap<Integer, Object>> e : multi.entrySet()) {
                        out.add(new Prop(e.getKey(), new ArrayList<>(e.getValue().values()), multiNames.get(e.getKey())));
                    }
                    out.sort(BY_TAG);
                }
                done = out;
            }
            return done;
        }

        boolean isEmpty() {
            return single.isEmpty() && (multi == null || multi.isEmpty());
        }

        private void add(Prop p) {
            if (!single.isEmpty() && Integer.compareUnsigned(single.get(single.size() - 1).tag(), p.tag()) >= 0) {
                sorted = false;
            }
            single.add(p);
            done = null;
        }
    }

    private static final java.util.Comparator<Prop> BY_TAG = (a, b) -> Integer.compareUnsigned(a.tag(), b.tag());

    /**
     * Reads every row of {@code rs} into the bag of its object.
     *
     * @param bags     bags by hierarchy id; rows of other objects create bags
     * @param describe names an object for warnings (by hierarchy id)
     */
    void readAll(ResultSet rs, Map<Long, Bag> bags, LongFunction<String> describe) throws SQLException {
        long lastHid = -1;
        Bag bag = null;
        while (rs.next()) {
            long hid = rs.getLong(HID);
            if (bag == null || hid != lastHid) {
                // an object's rows mostly come together
                bag = bags.computeIfAbsent(hid, k -> new Bag());
                lastHid = hid;
            }
            read(rs, bag, hid, describe);
        }
        for (Map.Entry<Long, Bag> e : bags.entrySet()) {
            finish(e.getValue(), e.getKey(), describe);
        }
    }

    /**
     * Orders a bag's single values by tag and keeps the first value read of each tag: a second one
     * (the same property once as PT_STRING8 and once as PT_UNICODE) is left out, reported and counted.
     */
    private void finish(Bag bag, long hid, LongFunction<String> describe) {
        if (bag.sorted) {
            return;
        }
        bag.single.sort(BY_TAG); // stable: the first one read stays first
        int w = 0;
        for (int r = 0; r < bag.single.size(); r++) {
            Prop p = bag.single.get(r);
            if (w > 0 && bag.single.get(w - 1).tag() == p.tag()) {
                problem(Tally.DUPLICATE_PROPERTY, hid, p.tag() >>> 16, p.tag() & 0xFFFF, describe);
                continue;
            }
            bag.single.set(w++, p);
        }
        bag.single.subList(w, bag.single.size()).clear();
        bag.sorted = true;
        bag.done = null;
    }

    private void read(ResultSet rs, Bag bag, long hid, LongFunction<String> describe) throws SQLException {
        int kind = rs.getInt(KIND);
        int id = rs.getInt(TAG) & 0xFFFF;
        int storedType = rs.getInt(TYPE) & 0xFFFF;
        if (kind == 2) {
            // indexedproperties: PR_ENTRYID / PR_SOURCE_KEY, always binary
            byte[] v = rs.getBytes(BINARY);
            if (v == null) {
                problem(Tally.BROKEN_PROPERTY, hid, id, storedType, describe);
                return;
            }
            putSingle(bag, (id << 16) | PropType.PT_BINARY, v, null);
            return;
        }
        boolean mv = kind == 1;
        if (mv != PropType.isMulti(storedType)) {
            problem(Tally.UNSUPPORTED_TYPE, hid, id, storedType, describe);
            return;
        }
        int base = PropType.base(storedType);
        int outBase = base == PropType.PT_STRING8 ? PropType.PT_UNICODE : base;
        if (!supported(base)) {
            problem(Tally.UNSUPPORTED_TYPE, hid, id, storedType, describe);
            return;
        }
        PropName name = null;
        if (id >= 0x8000) {
            name = names.nameOf(id);
            if (name == null) {
                problem(Tally.UNNAMED_PROPERTY, hid, id, storedType, describe);
                return;
            }
        }
        Object value = value(base, rs, hid, id, describe);
        if (value == null) {
            problem(Tally.BROKEN_PROPERTY, hid, id, storedType, describe);
            return;
        }
        if (!mv) {
            putSingle(bag, (id << 16) | outBase, value, name);
            return;
        }
        int tag = (id << 16) | PropType.MV_FLAG | outBase;
        if (bag.multi == null) {
            bag.multi = new HashMap<>();
            bag.multiNames = new HashMap<>();
        }
        bag.done = null;
        TreeMap<Integer, Object> elems = bag.multi.computeIfAbsent(tag, k -> new TreeMap<>());
        int order = rs.getInt(ORDERID);
        if (elems.containsKey(order)) {
            // the same element once as PT_MV_STRING8 and once as PT_MV_UNICODE
            problem(Tally.DUPLICATE_PROPERTY, hid, id, storedType, describe);
            return;
        }
        elems.put(order, value);
        if (name != null) {
            bag.multiNames.put(tag, name);
        }
    }

    private static void putSingle(Bag bag, int tag, Object value, PropName name) {
        bag.add(new Prop(tag, value, name));
    }

    static boolean supported(int base) {
        return switch (base) {
            case PropType.PT_SHORT, PropType.PT_LONG, PropType.PT_FLOAT, PropType.PT_DOUBLE, PropType.PT_CURRENCY,
                 PropType.PT_APPTIME, PropType.PT_BOOLEAN, PropType.PT_I8, PropType.PT_STRING8, PropType.PT_UNICODE,
                 PropType.PT_SYSTIME, PropType.PT_CLSID, PropType.PT_BINARY -> true;
            default -> false;
        };
    }

    /** The value of the current row, or null when the column its type needs is NULL. */
    private Object value(int base, ResultSet rs, long hid, int id, LongFunction<String> describe) throws SQLException {
        switch (base) {
            case PropType.PT_SHORT, PropType.PT_LONG, PropType.PT_BOOLEAN: {
                long u = rs.getLong(ULONG);
                if (rs.wasNull()) {
                    return null;
                }
                if (base == PropType.PT_SHORT) {
                    return Integer.valueOf((short) (u & 0xFFFF));
                }
                if (base == PropType.PT_LONG) {
                    return Integer.valueOf((int) u);
                }
                return Boolean.valueOf(u != 0);
            }
            case PropType.PT_FLOAT, PropType.PT_DOUBLE, PropType.PT_APPTIME: {
                double d = rs.getDouble(DOUBLE);
                if (rs.wasNull()) {
                    return null;
                }
                // (no ?: here: it would unbox both branches to double)
                if (base == PropType.PT_FLOAT) {
                    return Float.valueOf((float) d);
                }
                return Double.valueOf(d);
            }
            case PropType.PT_CURRENCY, PropType.PT_SYSTIME: {
                long hi = rs.getLong(HI);
                if (rs.wasNull()) {
                    return null;
                }
                long lo = rs.getLong(LO);
                if (rs.wasNull()) {
                    return null;
                }
                return (hi << 32) | (lo & 0xFFFFFFFFL);
            }
            case PropType.PT_I8: {
                long v = rs.getLong(LONGINT);
                return rs.wasNull() ? null : v;
            }
            case PropType.PT_STRING8, PropType.PT_UNICODE: {
                byte[] b = rs.getBytes(STRING);
                return b == null ? null : utf8(b, hid, id, describe);
            }
            case PropType.PT_CLSID, PropType.PT_BINARY:
                return rs.getBytes(BINARY);
            default:
                return null;
        }
    }

    /** Decodes stored UTF-8; invalid sequences become U+FFFD and are reported and counted. */
    String utf8(byte[] b, long hid, int id, LongFunction<String> describe) {
        if (ascii(b)) {
            // most stored strings: no decoding needed (and a Latin-1 String is stored compactly)
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer cb = strict.reset().decode(ByteBuffer.wrap(b));
            return cb.toString();
        } catch (CharacterCodingException e) {
            tally.skip(Tally.INVALID_UTF8);
            LOG.warn("{}: property 0x{} holds invalid UTF-8 ({} bytes); the bad bytes were replaced by U+FFFD",
                    describe.apply(hid), String.format("%04X", id), b.length);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    private static boolean ascii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }

    private void problem(String reason, long hid, int id, int type, LongFunction<String> describe) {
        tally.skip(reason);
        LOG.warn("{}: property 0x{} type 0x{} left out: {}", describe.apply(hid), String.format("%04X", id),
                String.format("%04X", type), reason);
    }
}
