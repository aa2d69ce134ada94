package io.sluice.common.access;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.sluice.common.access.UrlSignature.Check.EXPIRED;
import static io.sluice.common.access.UrlSignature.Check.MALFORMED;
import static io.sluice.common.access.UrlSignature.Check.MISSING;
import static io.sluice.common.access.UrlSignature.Check.VALID;
import static io.sluice.common.access.UrlSignature.Check.WRONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

class UrlSignatureTest {

    private static final String SECRET = "correct-horse-battery";
    private static final String OLD = "previous-secret-0001";
    private static final long NOW = 1_800_000_000L;

    private static Map<String, String> args(String expires, String sig) {
        return Map.of("expires", expires, "sig", sig);
    }

    @Test
    void goldenVectorsFromOpenssl() {
        // printf 'live/cam?expires=1800000600' | openssl dgst -sha256 -hmac correct-horse-battery
        assertEquals("a7a68672cb38809249bd4c0721fc4576b31793773527e7d53721fa0088031592",
                UrlSignature.sign("live", "cam", NOW + 600, SECRET));
        assertEquals("expires=1800000600&sig=a7a68672cb38809249bd4c0721fc4576b31793773527e7d53721fa0088031592",
                UrlSignature.query("live", "cam", NOW + 600, SECRET));
        // printf '/live/cam-1800000060-correct-horse-battery' | md5sum
        assertEquals("1800000060-6f79d17331466f7e8142a82b6b7a2b73", UrlSignature.nmsSign("live", "cam", NOW + 60, SECRET));
    }

    @Test
    void aSignedUrlIsValidUntilItExpiresForItsOwnNameOnly() {
        String sig = UrlSignature.sign("live", "cam", NOW + 600, SECRET);
        List<String> secrets = List.of(SECRET);
        assertEquals(VALID, UrlSignature.verify("live", "cam", args("" + (NOW + 600), sig), secrets, false, NOW));
        assertEquals(EXPIRED, UrlSignature.verify("live", "cam", args("" + (NOW + 600), sig), secrets, false, NOW + 601));
        assertEquals(WRONG, UrlSignature.verify("live", "other", args("" + (NOW + 600), sig), secrets, false, NOW));
        assertEquals(WRONG, UrlSignature.verify("vod", "cam", args("" + (NOW + 600), sig), secrets, false, NOW));
        assertEquals(WRONG, UrlSignature.verify("live", "cam", args("" + (NOW + 6000), sig), secrets, false, NOW),
                "a later expiry is not covered by the signature");
        String tampered = (sig.charAt(0) == 'a' ? "b" : "a") + sig.substring(1);
        assertEquals(WRONG, UrlSignature.verify("live", "cam", args("" + (NOW + 600), tampered), secrets, false, NOW));
        assertEquals(VALID, UrlSignature.verify("live", "cam", args("" + (NOW + 600), sig.toUpperCase()), secrets,
                false, NOW));
    }

    @Test
    void everySecretOfTheListIsAccepted() {
        String byOld = UrlSignature.sign("live", "cam", NOW + 60, OLD);
        assertEquals(VALID, UrlSignature.verify("live", "cam", args("" + (NOW + 60), byOld), List.of(SECRET, OLD),
                false, NOW));
        assertEquals(WRONG, UrlSignature.verify("live", "cam", args("" + (NOW + 60), byOld), List.of(SECRET),
                false, NOW));
    }

    @Test
    void missingAndMalformed() {
        assertEquals(MISSING, UrlSignature.verify("live", "cam", Map.of("key", "x"), List.of(SECRET), false, NOW));
        assertEquals(MALFORMED, UrlSignature.verify("live", "cam", Map.of("expires", "" + NOW), List.of(SECRET),
                false, NOW));
        assertEquals(MALFORMED, UrlSignature.verify("live", "cam", args("soon", "00"), List.of(SECRET), false, NOW));
        assertEquals(MISSING, UrlSignature.verify("live", "cam", Map.of("sign", "1-2"), List.of(SECRET), false, NOW),
                "the NMS form only when the app asks for it");
    }

    @Test
    void nodeMediaServerForm() {
        String sign = UrlSignature.nmsSign("live", "cam", NOW + 60, SECRET);
        assertEquals(VALID, UrlSignature.verify("live", "cam", Map.of("sign", sign), List.of(SECRET), true, NOW));
        assertEquals(EXPIRED, UrlSignature.verify("live", "cam", Map.of("sign", sign), List.of(SECRET), true, NOW + 61));
        assertEquals(WRONG, UrlSignature.verify("live", "cam2", Map.of("sign", sign), List.of(SECRET), true, NOW));
        assertEquals(MALFORMED, UrlSignature.verify("live", "cam", Map.of("sign", "abc"), List.of(SECRET), true, NOW));
    }
}
