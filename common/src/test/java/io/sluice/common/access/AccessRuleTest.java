package io.sluice.common.access;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessRuleTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void cidrBlocksMatchTheirAddressesOnly() throws Exception {
        AccessRule rule = AccessRule.parse("deny 10.1.0.0/16");
        assertFalse(rule.allow());
        assertTrue(rule.matches(ip("10.1.200.3")));
        assertFalse(rule.matches(ip("10.2.0.1")));
        assertFalse(rule.matches(ip("::1")), "another family never matches");
        assertTrue(AccessRule.parse("allow 127.0.0.1").matches(ip("127.0.0.1")));
        assertFalse(AccessRule.parse("allow 127.0.0.1").matches(ip("127.0.0.2")));
        assertTrue(AccessRule.parse("allow 2001:db8::/32").matches(ip("2001:db8:1::7")));
        assertTrue(AccessRule.parse("allow 0.0.0.0/0").matches(ip("203.0.113.9")));
        // Host bits of the block are ignored, and the canonical form says so.
        assertEquals("allow 192.168.1.0/24", AccessRule.parse("allow   192.168.1.77/24").toString());
    }

    @Test
    void rulesAreReadInOrderAndNoMatchAllows() throws Exception {
        List<AccessRule> rules = List.of(AccessRule.parse("allow 127.0.0.1"), AccessRule.parse("deny all"));
        assertTrue(AccessRule.permits(rules, ip("127.0.0.1")));
        assertFalse(AccessRule.permits(rules, ip("192.0.2.1")));
        List<AccessRule> reversed = List.of(AccessRule.parse("deny all"), AccessRule.parse("allow 127.0.0.1"));
        assertFalse(AccessRule.permits(reversed, ip("127.0.0.1")));
        assertTrue(AccessRule.permits(List.of(AccessRule.parse("deny 10.0.0.0/8")), ip("192.0.2.1")));
        assertTrue(AccessRule.permits(List.of(), ip("192.0.2.1")));
    }

    @Test
    void badRulesSayWhatIsWrong() {
        assertThrows(IllegalArgumentException.class, () -> AccessRule.parse("permit all"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AccessRule.parse("allow example.com"))
                .getMessage().contains("host names are not allowed"));
        assertThrows(IllegalArgumentException.class, () -> AccessRule.parse("allow 10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> AccessRule.parse("allow 300.1.1.1"));
        assertThrows(IllegalArgumentException.class, () -> AccessRule.parse("allow"));
    }
}
