package org.kgmigration.cli;

import org.kgmigration.error.ExitCodes;
import org.kgmigration.error.KgmException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.kgmigration.kopano.KopanoSource;
import org.kgmigration.kopano.SourceConfig;
import org.kgmigration.kopano.SourceException;
import org.kgmigration.kopano.StoreInfo;
import org.kgmigration.kopano.StoreStats;
import org.kgmigration.stream.DumpRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kgdump stores}: what is in the database, per store. */
@Command(name = "stores", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Lists every store of the Kopano database: GUID, type (private, public, archive, orphan), "
                + "owner (login name and e-mail from the db user plugin, else the last owner name and externid), "
                + "folders, messages, size (Kopano's message sizes, which include attachments) and soft-deleted "
                + "items. The SYSTEM store is listed but never dumped unless selected by --store.",
            "", "Options:"},
        sortOptions = false)
public final class StoresCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print a JSON array (store GUIDs as 32 lowercase hex digits, counts as numbers)")
    boolean json;

    @Mixin
    SourceOptions source = new SourceOptions();

    @Override
    public Integer call() throws Exception {
        SourceConfig cfg = source.load(System.getenv());
        Map<StoreInfo, StoreStats> stats;
        long removed;
        try {
            KopanoSource src = KopanoSource.open(cfg, false);
            List<StoreInfo> stores = src.stores();
            stats = src.stats(stores);
            removed = src.removedStores();
        } catch (SourceException e) {
            throw new KgmException(e.getMessage(), e);
        }
        PrintStream out = StdStreams.stdoutText();
        if (json) {
            out.println(json(stats));
        } else {
            table(stats, removed, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    static String json(Map<StoreInfo, StoreStats> stats) throws Exception {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode arr = om.createArrayNode();
        stats.forEach((s, st) -> {
            ObjectNode n = arr.addObject();
            n.put("guid", s.guid());
            n.put("type", s.kind());
            n.put("system", s.isSystem());
            ObjectNode o = n.putObject("owner");
            DumpRecord.Owner ow = s.owner();
            putNullable(o, "userId", ow.userId());
            o.put("login", ow.loginName());
            o.put("email", ow.email());
            o.put("fullName", ow.fullName());
            o.put("externId", ow.externId());
            o.put("lastOwnerName", ow.lastOwnerName());
            if (ow.active() == null) {
                o.putNull("active");
            } else {
                o.put("active", ow.active());
            }
            n.put("folders", st.folders());
            n.put("messages", st.messages());
            n.put("associated", st.associated());
            n.put("size", st.bytes());
            n.put("searchFolders", st.searchFolders());
            n.put("softDeletedFolders", st.softDeletedFolders());
            n.put("softDeletedMessages", st.softDeletedMessages());
            n.put("softDeletedSize", st.softDeletedBytes());
        });
        return om.writeValueAsString(arr);
    }

    private static void putNullable(ObjectNode o, String k, Integer v) {
        if (v == null) {
            o.putNull(k);
        } else {
            o.put(k, v);
        }
    }

    static void table(Map<StoreInfo, StoreStats> stats, long removed, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"GUID", "TYPE", "OWNER", "EMAIL", "FOLDERS", "MESSAGES", "SIZE", "SOFT-DELETED"});
        long folders = 0;
        long messages = 0;
        long bytes = 0;
        for (Map.Entry<StoreInfo, StoreStats> e : stats.entrySet()) {
            StoreInfo s = e.getKey();
            StoreStats st = e.getValue();
            DumpRecord.Owner o = s.owner();
            String owner;
            if (s.isSystem()) {
                owner = "SYSTEM (not dumped by default)";
            } else if (o.loginName() != null) {
                owner = o.loginName();
            } else if (!s.kind().equals("orphan") && o.active() == null && o.lastOwnerName() != null) {
                owner = o.lastOwnerName(); // a group or company (public store)
            } else {
                owner = (o.lastOwnerName() != null ? o.lastOwnerName() : "?") + " (last owner"
                        + (o.externId() != null ? ", externid " + o.externId() : "") + ")";
            }
            rows.add(new String[] {s.guid(), s.kind(), owner, o.email() == null ? "-" : o.email(),
                Long.toString(st.folders()), st.messages() + (st.associated() > 0 ? " +" + st.associated() + " assoc" : ""),
                size(st.bytes()), st.softDeletedFolders() + " folders, " + st.softDeletedMessages() + " messages"});
            folders += st.folders();
            messages += st.messages() + st.associated();
            bytes += st.bytes();
        }
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                boolean right = i == 4 || i == 6;
                String cell = right ? " ".repeat(w[i] - r[i].length()) + r[i] : r[i] + " ".repeat(w[i] - r[i].length());
                b.append(cell).append(i < r.length - 1 ? "  " : "");
            }
            out.println(b.toString().stripTrailing());
        }
        out.println();
        out.println(stats.size() + " stores, " + folders + " folders, " + messages + " messages, " + size(bytes)
                + (removed > 0 ? "; " + removed + " removed store(s) awaiting the soft-delete purge are not listed" : ""));
    }

    /** 1536 → "1.5 KiB". */
    static String size(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] u = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
    }
}
