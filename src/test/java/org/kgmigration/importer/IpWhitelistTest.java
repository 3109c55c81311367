package org.kgmigration.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpWhitelistTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void single_addresses_match_exactly() throws Exception {
        IpWhitelist w = IpWhitelist.parse(List.of("198.51.100.5", "203.0.113.19"));
        assertTrue(w.allows(ip("198.51.100.5")));
        assertTrue(w.allows(ip("203.0.113.19")));
        assertFalse(w.allows(ip("198.51.100.6")));
        assertFalse(w.allows(ip("127.0.0.1")));
    }

    @Test
    void cidr_ranges_of_both_families() throws Exception {
        IpWhitelist w = IpWhitelist.parse(List.of("10.20.0.0/14", "2001:db8:abcd::/48", "192.0.2.77/32"));
        assertTrue(w.allows(ip("10.23.255.255")));
        assertFalse(w.allows(ip("10.24.0.0")));
        assertTrue(w.allows(ip("2001:db8:abcd:12::1")));
        assertFalse(w.allows(ip("2001:db8:abce::1")));
        assertTrue(w.allows(ip("192.0.2.77")));
        assertFalse(w.allows(ip("192.0.2.78")));
        assertTrue(IpWhitelist.parse(List.of("0.0.0.0/0")).allows(ip("8.8.8.8")));
        assertFalse(IpWhitelist.parse(List.of("0.0.0.0/0")).allows(ip("::1")));
    }

    @Test
    void ipv4_mapped_ipv6_clients_match_their_ipv4_entries() throws Exception {
        IpWhitelist w = IpWhitelist.parse(List.of("198.51.100.5"));
        assertTrue(w.allows(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff,
            (byte) 198, 51, 100, 5})));
        assertEquals("198.51.100.5", IpWhitelist.display(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            (byte) 0xff, (byte) 0xff, (byte) 198, 51, 100, 5})));
        assertEquals("::1", IpWhitelist.display(ip("::1")));
        assertEquals("2001:db8::1", IpWhitelist.display(ip("2001:db8:0:0:0:0:0:1")));
    }

    @Test
    void ipv6_loopback_and_bracketed_forms() throws Exception {
        IpWhitelist w = IpWhitelist.parse(List.of("::1", "[fe80::]/10"));
        assertTrue(w.allows(ip("::1")));
        assertTrue(w.allows(ip("fe80::1234")));
        assertFalse(w.allows(ip("127.0.0.1")));
    }

    @Test
    void names_and_malformed_entries_are_refused() {
        for (String bad : List.of("localhost", "example.org", "1.2.3.256", "1.2.3", "10.0.0.0/33", "::1/129",
                "10.0.0.0/x", "", "1.2.3.4/")) {
            assertThrows(IllegalArgumentException.class, () -> IpWhitelist.parse(List.of(bad)), bad);
        }
    }

    @Test
    void the_empty_list_allows_nothing() throws Exception {
        assertTrue(IpWhitelist.parse(List.of()).isEmpty());
        assertFalse(IpWhitelist.empty().allows(ip("127.0.0.1")));
    }
}
