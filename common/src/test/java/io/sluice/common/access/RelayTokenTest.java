package io.sluice.common.access;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayTokenTest {

    private static final String SECRET = "cluster-secret-0123456789";

    @Test
    void validForItsAppUntilItExpires() {
        String token = RelayToken.sign("live", 1000, SECRET);
        assertTrue(RelayToken.verify("live", token, SECRET, 990));
        assertTrue(RelayToken.verify("live", token, SECRET, 1000));
        assertFalse(RelayToken.verify("live", token, SECRET, 1001), "expired");
        assertFalse(RelayToken.verify("other", token, SECRET, 990), "another app");
        assertFalse(RelayToken.verify("live", token, "another-secret-0123456789", 990), "another secret");
        assertFalse(RelayToken.verify("live", token, "", 990), "no secret: nothing is valid");
    }

    @Test
    void malformedOrTamperedTokensAreRefused() {
        String token = RelayToken.sign("live", 1000, SECRET);
        assertFalse(RelayToken.verify("live", null, SECRET, 990));
        assertFalse(RelayToken.verify("live", "", SECRET, 990));
        assertFalse(RelayToken.verify("live", "1000.zz", SECRET, 990));
        assertFalse(RelayToken.verify("live", "1001" + token.substring(4), SECRET, 990), "expiry changed");
        char last = token.charAt(token.length() - 1);
        String flipped = token.substring(0, token.length() - 1) + (last == '0' ? '1' : '0');
        assertFalse(RelayToken.verify("live", flipped, SECRET, 990));
        // Far-future expiries are not accepted even when signed: tokens are short-lived.
        assertFalse(RelayToken.verify("live", RelayToken.sign("live", 1_000_000, SECRET), SECRET, 990));
    }
}
