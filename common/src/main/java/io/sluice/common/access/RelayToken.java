package io.sluice.common.access;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The token a relay between hosts carries ({@code ?sluice_relay=EXPIRES.HEX} on its connect URL
 * and play name): HMAC-SHA256 of {@code sluice-relay\nAPP\nEXPIRES} under {@code cluster.secret}.
 * A connection that shows a valid one is another host of the cluster: it passes the app's
 * address rules, signed-URL check and hooks, which are meant for the public. Short-lived, so a
 * token seen on the wire is of little use for long; compared in constant time.
 */
public final class RelayToken {

    /** The query argument that carries it. */
    public static final String ARG = "sluice_relay";
    /** How long a token made now stays valid. */
    public static final long LIFETIME_SECONDS = 60;

    private static final HexFormat HEX = HexFormat.of();

    private RelayToken() {
    }

    /** A token for {@code app}, valid until {@code expires} (Unix seconds). */
    public static String sign(String app, long expires, String secret) {
        return expires + "." + HEX.formatHex(hmac(secret, app, expires));
    }

    /** Whether {@code token} is valid for {@code app} at {@code nowSeconds}; false without a secret. */
    public static boolean verify(String app, String token, String secret, long nowSeconds) {
        if (token == null || secret == null || secret.isEmpty()) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot > 19 || token.length() - dot - 1 != 64) {
            return false;
        }
        long expires;
        byte[] given;
        try {
            expires = Long.parseLong(token.substring(0, dot));
            given = HEX.parseHex(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean match = MessageDigest.isEqual(given, hmac(secret, app, expires));
        return match && expires >= nowSeconds && expires <= nowSeconds + 10 * LIFETIME_SECONDS;
    }

    private static byte[] hmac(String secret, String app, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(("sluice-relay\n" + app + "\n" + expires).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
