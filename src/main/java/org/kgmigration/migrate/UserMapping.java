package org.kgmigration.migrate;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.kgmigration.error.KgmException;
import org.kgmigration.stream.DumpRecord;

/**
 * Decides which target user (UPN) receives each source store.
 *
 * <p>Order, first match wins: an explicit map entry for the store GUID; for the public store the
 * key {@code public}; an entry for the owner's login name, e-mail address or last owner name
 * (case-insensitive); then, when {@code useSourceNames} is on, the owner's login name itself with
 * the default domain appended when it has none. A store with no match is unmapped.
 */
public final class UserMapping {
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern UPN = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final Map<String, String> explicit;
    private final String defaultDomain;
    private final boolean useSourceNames;

    /**
     * @param explicit       source (login, e-mail, store GUID, or {@code public}) → target UPN
     * @param defaultDomain  appended to source names without a domain, may be null
     * @param useSourceNames map stores without an explicit entry to their owner's login name
     */
    public UserMapping(Map<String, String> explicit, String defaultDomain, boolean useSourceNames) {
        this.explicit = new LinkedHashMap<>();
        explicit.forEach((k, v) -> this.explicit.put(k.trim().toLowerCase(Locale.ROOT), checkUpn(k, withDomain(v.trim(), defaultDomain))));
        this.defaultDomain = defaultDomain == null || defaultDomain.isBlank() ? null : defaultDomain.trim();
        this.useSourceNames = useSourceNames;
        if (this.defaultDomain != null && !this.defaultDomain.matches("[^@\\s]+\\.[^@\\s]+")) {
            throw new KgmException("default domain '" + defaultDomain + "' is not a domain name (e.g. example.org)");
        }
    }

    private static String checkUpn(String source, String upn) {
        if (!UPN.matcher(upn).matches()) {
            throw new KgmException("mapping for '" + source + "': '" + upn + "' is not a user principal name (user@domain)");
        }
        return upn;
    }

    private static String withDomain(String name, String domain) {
        if (name.contains("@") || domain == null || domain.isBlank()) {
            return name;
        }
        return name + "@" + domain.trim();
    }

    /** The target UPN of a store, if it is mapped. */
    public Optional<String> targetOf(DumpRecord.Store store) {
        List<String> keys = new ArrayList<>();
        keys.add(store.guid());
        if ("public".equals(store.type())) {
            keys.add("public");
        }
        DumpRecord.Owner o = store.owner();
        if (o != null) {
            keys.add(o.loginName());
            keys.add(o.email());
            keys.add(o.lastOwnerName());
        }
        for (String k : keys) {
            if (k != null && !k.isBlank()) {
                String t = explicit.get(k.trim().toLowerCase(Locale.ROOT));
                if (t != null) {
                    return Optional.of(t);
                }
            }
        }
        if (useSourceNames && o != null && !"public".equals(store.type())) {
            String login = o.loginName() != null ? o.loginName() : o.lastOwnerName();
            if (login != null && !login.isBlank()) {
                String upn = withDomain(login.trim(), defaultDomain);
                if (UPN.matcher(upn).matches()) {
                    return Optional.of(upn);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Reads a two-column CSV ({@code source,target}; a header line and {@code #} comments are
     * allowed) into a map.
     */
    public static Map<String, String> readCsv(Path file) {
        Map<String, String> m = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = t.split("[,;\\t]", -1);
                if (f.length != 2 || f[0].isBlank() || f[1].isBlank()) {
                    throw new KgmException(file + ":" + n + ": expected 'source,target', got '" + t + "'");
                }
                String src = unquote(f[0]);
                String dst = unquote(f[1]);
                if (n == 1 && src.equalsIgnoreCase("source")) {
                    continue;
                }
                if (m.put(src, dst) != null) {
                    throw new KgmException(file + ":" + n + ": '" + src + "' is mapped twice");
                }
            }
        } catch (IOException e) {
            throw new KgmException("cannot read the user map " + file + ": " + e.getMessage());
        }
        return m;
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        return t;
    }

    /** True when {@code s} looks like a store GUID (32 hex digits). */
    public static boolean isGuid(String s) {
        return s != null && GUID.matcher(s).matches();
    }
}
