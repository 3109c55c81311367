package org.kgmigration.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which stores a run works on, with the same selector names and meanings in {@code kgdump dump} and
 * {@code migrate import}:
 *
 * <ul>
 *   <li>{@code --user NAME} — the store(s) whose owner has this login name, e-mail address or (as
 *       Kopano last recorded it) owner name; case-insensitive, exact (no domain is added or removed);
 *   <li>{@code --store GUID} — the store with this GUID (32 hex digits; dashes and braces allowed);
 *   <li>{@code --public} — every public store;
 *   <li>{@code --exclude-user NAME}, {@code --exclude-store GUID} — remove stores from the selection.
 * </ul>
 *
 * Without {@code --user}, {@code --store} and {@code --public} every store except the SYSTEM store is
 * selected; otherwise the union of what they name. Exclusions are applied last. A selector that
 * matches no store at all is an error (a typo must not silently select nothing or everything), see
 * {@link #checkAllMatch}.
 */
public final class StoreSelector {
    /** {@code users.id} of Kopano's internal SYSTEM user, owner of the SYSTEM store. */
    public static final int SYSTEM_USER_ID = 2;

    private final List<String> users;
    private final List<String> stores;
    private final boolean publicStores;
    private final List<String> excludeUsers;
    private final List<String> excludeStores;

    public StoreSelector(Collection<String> users, Collection<String> stores, boolean publicStores,
                         Collection<String> excludeUsers, Collection<String> excludeStores) {
        this.users = List.copyOf(nz(users));
        this.stores = normalizeGuids(nz(stores), "--store");
        this.publicStores = publicStores;
        this.excludeUsers = List.copyOf(nz(excludeUsers));
        this.excludeStores = normalizeGuids(nz(excludeStores), "--exclude-store");
    }

    /** Selects every store except SYSTEM. */
    public static StoreSelector all() {
        return new StoreSelector(List.of(), List.of(), false, List.of(), List.of());
    }

    private static Collection<String> nz(Collection<String> c) {
        return c == null ? List.of() : c;
    }

    private static List<String> normalizeGuids(Collection<String> guids, String option) {
        List<String> out = new ArrayList<>();
        for (String g : guids) {
            String n = normalizeGuid(g);
            if (n == null) {
                throw new IllegalArgumentException(option + " " + g + " is not a store GUID (32 hex digits)");
            }
            out.add(n);
        }
        return List.copyOf(out);
    }

    /** 32 lowercase hex digits, or null when {@code s} is not a GUID. */
    public static String normalizeGuid(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim().replace("-", "").replace("{", "").replace("}", "").toLowerCase(Locale.ROOT);
        return t.matches("[0-9a-f]{32}") ? t : null;
    }

    /** True when no store is named explicitly (then all stores but SYSTEM are selected). */
    public boolean isDefault() {
        return users.isEmpty() && stores.isEmpty() && !publicStores;
    }

    public static boolean isSystem(DumpRecord.Store s) {
        return s.owner() != null && s.owner().userId() != null && s.owner().userId() == SYSTEM_USER_ID;
    }

    /** Whether the store is part of the selection. */
    public boolean matches(DumpRecord.Store s) {
        boolean in;
        if (isDefault()) {
            in = !isSystem(s);
        } else {
            in = stores.contains(s.guid().toLowerCase(Locale.ROOT))
                    || (publicStores && "public".equals(s.type()))
                    || users.stream().anyMatch(u -> ownerMatches(s, u));
        }
        if (!in) {
            return false;
        }
        return !excludeStores.contains(s.guid().toLowerCase(Locale.ROOT))
                && excludeUsers.stream().noneMatch(u -> ownerMatches(s, u));
    }

    /** The login name, e-mail address or last owner name of the store equals {@code name} (ignoring case). */
    public static boolean ownerMatches(DumpRecord.Store s, String name) {
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

    /** The selected stores of {@code all}, in the given order. */
    public List<DumpRecord.Store> select(Collection<DumpRecord.Store> all) {
        checkAllMatch(all);
        return all.stream().filter(this::matches).toList();
    }

    /**
     * Fails when a selector names no store of {@code all}.
     *
     * @throws IllegalArgumentException with a one-line message that lists what exists
     */
    public void checkAllMatch(Collection<DumpRecord.Store> all) {
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
            problems.add("--public (there is no public store)");
        }
        if (!problems.isEmpty()) {
            boolean guids = problems.stream().anyMatch(p -> p.contains("store "));
            throw new IllegalArgumentException("no store matches " + String.join(", ", problems) + "; "
                    + (guids ? "stores: " + describeStores(all) : "users with a store: " + describeUsers(all)));
        }
    }

    /** {@code login (email)} of every store owner, sorted, for error messages. */
    public static String describeUsers(Collection<DumpRecord.Store> all) {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (DumpRecord.Store s : all) {
            names.add(ownerLabel(s));
        }
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    /** {@code guid (owner)} of every store, for error messages. */
    public static String describeStores(Collection<DumpRecord.Store> all) {
        Set<String> out = new LinkedHashSet<>();
        for (DumpRecord.Store s : all) {
            out.add(s.guid() + " (" + s.type() + ", " + ownerLabel(s) + ")");
        }
        return out.isEmpty() ? "(none)" : String.join(", ", out);
    }

    /** The most useful name of a store's owner: login, else last owner name, plus the e-mail address. */
    public static String ownerLabel(DumpRecord.Store s) {
        DumpRecord.Owner o = s.owner();
        if (o == null) {
            return "?";
        }
        String name = o.loginName() != null ? o.loginName() : o.lastOwnerName() != null ? o.lastOwnerName() : "?";
        if (o.email() != null && !o.email().equalsIgnoreCase(name)) {
            name += " <" + o.email() + ">";
        }
        return name;
    }

    public List<String> users() {
        return users;
    }

    public List<String> stores() {
        return stores;
    }

    public boolean publicStores() {
        return publicStores;
    }

    public List<String> excludeUsers() {
        return excludeUsers;
    }

    public List<String> excludeStores() {
        return excludeStores;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoreSelector s && users.equals(s.users) && stores.equals(s.stores)
                && publicStores == s.publicStores && excludeUsers.equals(s.excludeUsers)
                && excludeStores.equals(s.excludeStores);
    }

    @Override
    public int hashCode() {
        return Objects.hash(users, stores, publicStores, excludeUsers, excludeStores);
    }
}
