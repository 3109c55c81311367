package org.kgmigration.importer;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The trusted source addresses of {@code e4a.adminrpc.importer.ip_white_lists}: single IPv4 or IPv6
 * addresses and CIDR ranges of either family. IPv4 clients that reach a dual-stack listener appear
 * as IPv4-mapped IPv6 addresses ({@code ::ffff:198.51.100.5}); they match their IPv4 entries.
 * Host names are refused: trust is given to addresses, not to what a resolver says.
 */
public final class IpWhitelist {
    private final List<Range> ranges;
    private final List<String> entries;

    private IpWhitelist(List<Range> ranges, List<String> entries) {
        this.ranges = ranges;
        this.entries = entries;
    }

    /** The empty list: nothing is trusted. */
    public static IpWhitelist empty() {
        return new IpWhitelist(List.of(), List.of());
    }

    /**
     * Parses the entries.
     *
     * @throws IllegalArgumentException naming the first entry that is not an address or CIDR range
     */
    public static IpWhitelist parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String e : entries) {
            ranges.add(Range.parse(e));
        }
        return new IpWhitelist(List.copyOf(ranges), List.copyOf(entries));
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The entries as written in the configuration. */
    public List<String> entries() {
        return entries;
    }

    /** Whether {@code address} is trusted. */
    public boolean allows(InetAddress address) {
        byte[] a = canonical(address);
        for (Range r : ranges) {
            if (r.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** The address as 4 bytes for IPv4 (and IPv4-mapped IPv6), else 16 bytes. */
    static byte[] canonical(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isV4Mapped(b)) {
            byte[] v4 = new byte[4];
            System.arraycopy(b, 12, v4, 0, 4);
            return v4;
        }
        return b;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** An address as the log shows it: IPv4 dotted, IPv6 compressed, IPv4-mapped shown as IPv4. */
    public static String display(InetAddress address) {
        byte[] c = canonical(address);
        try {
            InetAddress a = InetAddress.getByAddress(c);
            if (a instanceof Inet6Address) {
                return compress(a.getHostAddress());
            }
            return a.getHostAddress();
        } catch (UnknownHostException e) {
            return address.getHostAddress();
        }
    }

    private static String compress(String full) {
        String s = full;
        int pct = s.indexOf('%');
        if (pct >= 0) {
            s = s.substring(0, pct);
        }
        // Java prints 0:0:0:0:0:0:0:1; show the usual ::1 form (longest run of zero groups)
        String[] g = s.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < g.length; i++) {
            int j = i;
            while (j < g.length && g[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen && j - i > 1) {
                bestStart = i;
                bestLen = j - i;
            }
        }
        if (bestStart < 0) {
            return s;
        }
        String left = String.join(":", List.of(g).subList(0, bestStart));
        String right = String.join(":", List.of(g).subList(bestStart + bestLen, g.length));
        return left + "::" + right;
    }

    /** One address range: network bytes and prefix length. */
    private record Range(byte[] network, int prefix) {
        static Range parse(String entry) {
            if (entry == null || entry.isBlank()) {
                throw new IllegalArgumentException("empty entry");
            }
            String s = entry.trim();
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            if (addr.startsWith("[") && addr.endsWith("]")) {
                addr = addr.substring(1, addr.length() - 1);
            }
            byte[] bytes = literal(addr, entry);
            int max = bytes.length * 8;
            int prefix = max;
            if (slash >= 0) {
                String p = s.substring(slash + 1);
                if (!p.matches("\\d{1,3}")) {
                    throw new IllegalArgumentException("'" + entry + "': prefix length is not a number");
                }
                prefix = Integer.parseInt(p);
                if (prefix > max) {
                    throw new IllegalArgumentException("'" + entry + "': prefix length above " + max);
                }
            }
            return new Range(mask(bytes, prefix), prefix);
        }

        boolean contains(byte[] a) {
            return a.length == network.length && java.util.Arrays.equals(mask(a, prefix), network);
        }

        static byte[] mask(byte[] a, int prefix) {
            byte[] m = a.clone();
            for (int i = 0; i < m.length; i++) {
                int bits = Math.max(0, Math.min(8, prefix - i * 8));
                m[i] = (byte) (m[i] & (0xff00 >> bits));
            }
            return m;
        }

        static byte[] literal(String addr, String entry) {
            String a = addr.toLowerCase(Locale.ROOT);
            boolean v4 = a.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            boolean v6 = a.contains(":") && a.matches("[0-9a-f:.]+");
            if (!v4 && !v6) {
                throw new IllegalArgumentException("'" + entry + "' is not an IPv4/IPv6 address or CIDR range");
            }
            if (v4) {
                for (String part : a.split("\\.")) {
                    if (Integer.parseInt(part) > 255) {
                        throw new IllegalArgumentException("'" + entry + "' is not a valid IPv4 address");
                    }
                }
            }
            try {
                InetAddress ia = InetAddress.getByName(a); // a literal: no name lookup happens
                if (v4 && !(ia instanceof Inet4Address)) {
                    throw new IllegalArgumentException("'" + entry + "' is not a valid address");
                }
                return canonical(ia);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + entry + "' is not a valid address");
            }
        }
    }
}
