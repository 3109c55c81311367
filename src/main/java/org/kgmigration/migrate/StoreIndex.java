package org.kgmigration.migrate;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kgmigration.error.KgmException;
import org.kgmigration.stream.DumpReader;
import org.kgmigration.stream.DumpRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The list of stores of a dump, needed before anything is uploaded (to list every unmapped store
 * and to preflight every target user first). Taken from the Header when kgdump wrote a store index
 * there ({@code selection.storeIndex}, see docs/migrate.md); else, for a dump file, from a first pass
 * over the file that decodes only the records' frames (the Data chunks are checked, not kept).
 * Through a pipe without an index the stores are checked one by one as they arrive.
 */
public final class StoreIndex {
    private static final Logger LOG = LoggerFactory.getLogger(StoreIndex.class);

    private StoreIndex() {
    }

    /** The stores listed in the Header's {@code selection.storeIndex}, or null when it has no such list. */
    public static List<DumpRecord.Store> fromHeader(DumpRecord.Header h) {
        Object v = h.selection() == null ? null : h.selection().get("storeIndex");
        if (!(v instanceof List<?> l)) {
            return null;
        }
        List<DumpRecord.Store> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("guid") instanceof String guid)) {
                return null;
            }
            String type = m.get("type") instanceof String t ? t : "private";
            String login = str(m, "loginName", "login");
            String email = str(m, "email", null);
            String last = str(m, "lastOwnerName", "lastOwner");
            Integer userId = m.get("userId") instanceof Number n ? n.intValue() : null;
            DumpRecord.Owner owner = login == null && email == null && last == null ? null
                    : new DumpRecord.Owner(userId, login, email, null, null, null, null, last, null);
            out.add(new DumpRecord.Store(guid, type, owner, List.of(), List.of(), List.of(), Map.of()));
        }
        return out;
    }

    private static String str(Map<?, ?> m, String key, String alt) {
        Object v = m.get(key);
        if (v == null && alt != null) {
            v = m.get(alt);
        }
        return v instanceof String s ? s : null;
    }

    /** Reads the whole file once and returns its Store records (without their store-level data). */
    public static List<DumpRecord.Store> scan(Path file) {
        long t0 = System.nanoTime();
        List<DumpRecord.Store> out = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             DumpReader r = new DumpReader(in)) {
            DumpRecord rec;
            while ((rec = r.next()) != null) {
                if (rec instanceof DumpRecord.Store s) {
                    out.add(new DumpRecord.Store(s.guid(), s.type(), s.owner(), List.of(), List.of(), List.of(), Map.of()));
                }
            }
        } catch (IOException e) {
            throw new KgmException("cannot read " + file + ": " + e.getMessage(), e);
        }
        LOG.info("pre-scan of {}: {} store(s) in {} ms (kgdump's store index in the header makes this pass"
                + " unnecessary)", file, out.size(), (System.nanoTime() - t0) / 1_000_000);
        return out;
    }
}
