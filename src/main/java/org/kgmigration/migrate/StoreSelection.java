package org.kgmigration.migrate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.kgmigration.cli.UsageException;
import org.kgmigration.stream.DumpRecord;

/**
 * The store selectors of {@code migrate import}, with the meaning they have in {@code kgdump dump}:
 * {@code --user NAME} (owner login name, e-mail address or last owner name, case-insensitive),
 * {@code --store GUID}, {@code --public}, {@code --exclude-user NAME}, {@code --exclude-store GUID}.
 * Without --user, --store and --public every store of the dump is selected (kgdump already left
 * out the SYSTEM store); exclusions apply last.
 *
 * <p>Kept in step with {@code org.kgmigration.stream.StoreSelector} of kgdump; once that class is
 * on main this one delegates to it.
 */
public final class StoreSelection {
    private final List<String> users;
    private final List<String> stores;
    private final boolean publicStores;
    private final List<String> excludeUsers;
    private final List<String> excludeStores;

    public StoreSelection(Collection<String> users, Collection<String> stores, boolean publicStores,
            Collection<String> excludeUsers, Collection<String> excludeStores) {
        this.users = users == null ? List.of() : List.copyOf(users);
        this.stores = guids(stores, "--store");
        this.publicStores = publicStores;
        this.excludeUsers = excludeUsers == null ? List.of() : List.copyOf(excludeUsers);
        this.excludeStores = guids(excludeStores, "--exclude-store");
    }

    public static StoreSelection all() {
        return new StoreSelection(null, null, false, null, null);
    }

    private static List<String> guids(Collection<String> in, String option) {
        List<String> out = new ArrayList<>();
        if (in != null) {
            for (String g : in) {
                String t = g.trim().replace("-", "").replace("{", "").replace("}", "").toLowerCase(Locale.ROOT);
                if (!t.matches("[0-9a-f]{32}")) {
                    throw new UsageException(option + " " + g + " is not a store GUID (32 hex digits)");
                }
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    public boolean isDefault() {
        return users.isEmpty() && stores.isEmpty() && !publicStores;
    }

    public boolean matches(DumpRecord.Store s) {
        String g = s.guid().toLowerCase(Locale.ROOT);
        boolean in = isDefault() || stores.contains(g) || (publicStores && "public".equals(s.type()))
                || users.stream().anyMatch(u -> ownerMatches(s, u));
        return in && !excludeStores.contains(g) && excludeUsers.stream().noneMatch(u -> ownerMatches(s, u));
    }

    static boolean ownerMatches(DumpRecord.Store s, String name) {
        DumpRecord.Owner o = s.owner();
        if (o == null || name == null) {
            return false;
        }
        for (String n : new String[] {o.loginName(), o.email(), o.lastOwnerName()}) {
            if (n != null && n.equalsIgnoreCase(name.trim())) {
                return true;
            }
        }
        return false;
    }

    /** Selectors that match none of {@code all} (a typo must not silently select nothing). */
    public List<String> unmatched(Collection<DumpRecord.Store> all) {
        List<String> problems = new ArrayList<>();
        for (String u : users) {
            if (all.stream().noneMatch(s -> ownerMatches(s, u))) {
                problems.add("--user " + u);
            }
        }
        for (String u : excludeUsers) {
            if (all.stream().noneMatch(s -> ownerMatches(s, u))) {
                problems.add("--exclude-user " + u);
            }
        }
        for (String g : stores) {
            if (all.stream().noneMatch(s -> s.guid().equalsIgnoreCase(g))) {
                problems.add("--store " + g);
            }
        }
        for (String g : excludeStores) {
            if (all.stream().noneMatch(s -> s.guid().equalsIgnoreCase(g))) {
                problems.add("--exclude-store " + g);
            }
        }
        if (publicStores && all.stream().noneMatch(s -> "public".equals(s.type()))) {
            problems.add("--public (the dump has no public store)");
        }
        return problems;
    }

    /** {@code login <email>} of a store's owner, for messages and the report. */
    public static String ownerLabel(DumpRecord.Store s) {
        DumpRecord.Owner o = s.owner();
        if (o == null) {
            return "public".equals(s.type()) ? "public" : "?";
        }
        String name = o.loginName() != null ? o.loginName() : o.lastOwnerName() != null ? o.lastOwnerName() : "?";
        if (o.email() != null && !o.email().equalsIgnoreCase(name)) {
            name += " <" + o.email() + ">";
        }
        return name;
    }
}
