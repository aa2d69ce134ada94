package io.sluice.common.access;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Signed stream URLs, so that an operator can hand out a time-limited link without running a
 * back-end: {@code ?expires=UNIX&sig=HEX}, where {@code sig} is HMAC-SHA256 of
 * {@code app/name?expires=UNIX} under one of the app's secrets (several are accepted at once, so a
 * secret can be rotated without breaking the links already out).
 *
 * <p>Also Node-Media-Server's form, {@code ?sign=EXP-HASH} with {@code HASH = md5("/app/name-EXP-secret")},
 * for links made by tools written for it; MD5 is weak, so the app must ask for it.
 *
 * <p>Signatures are compared in constant time ({@link MessageDigest#isEqual}), and every secret is
 * tried, so the time taken says nothing about which secret or how many bytes matched.
 */
public final class UrlSignature {

    /** Why a URL was refused (or that it was not). */
    public enum Check {
        VALID("valid"),
        MISSING("no signature (expected ?expires=...&sig=...)"),
        MALFORMED("malformed signature"),
        EXPIRED("the signed URL has expired"),
        WRONG("the signature does not match");

        private final String description;

        Check(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private UrlSignature() {
    }

    /** The text that is signed: {@code app/name?expires=UNIX}. */
    static String signedText(String app, String name, long expires) {
        return app + "/" + name + "?expires=" + expires;
    }

    /** HMAC-SHA256 of {@code app/name?expires=UNIX} under {@code secret}, lower-case hex. */
    public static String sign(String app, String name, long expires, String secret) {
        return HEX.formatHex(hmac(secret, signedText(app, name, expires)));
    }

    /** The query string of a signed URL: {@code expires=UNIX&sig=HEX}. */
    public static String query(String app, String name, long expires, String secret) {
        return "expires=" + expires + "&sig=" + sign(app, name, expires, secret);
    }

    /**
     * Checks the signature in {@code args} (the client's query arguments) for {@code app/name}.
     *
     * @param nms         whether Node-Media-Server's {@code sign=EXP-MD5} form is accepted too
     * @param nowSeconds  the current Unix time
     */
    public static Check verify(String app, String name, Map<String, String> args, List<String> secrets, boolean nms,
                               long nowSeconds) {
        String expires = args.get("expires");
        String sig = args.get("sig");
        if (expires != null || sig != null) {
            return verifyHmac(app, name, expires, sig, secrets, nowSeconds);
        }
        String sign = args.get("sign");
        if (nms && sign != null) {
            return verifyNms(app, name, sign, secrets, nowSeconds);
        }
        return Check.MISSING;
    }

    private static Check verifyHmac(String app, String name, String expires, String sig, List<String> secrets,
                                    long now) {
        if (expires == null || sig == null || !expires.matches("\\d{1,12}") || !sig.matches("[0-9a-fA-F]{64}")) {
            return Check.MALFORMED;
        }
        long exp = Long.parseLong(expires);
        byte[] given = HEX.parseHex(sig.toLowerCase(java.util.Locale.ROOT));
        boolean match = false;
        for (String secret : secrets) {
            match |= MessageDigest.isEqual(hmac(secret, signedText(app, name, exp)), given);
        }
        if (!match) {
            return Check.WRONG;
        }
        return exp < now ? Check.EXPIRED : Check.VALID;
    }

    private static Check verifyNms(String app, String name, String sign, List<String> secrets, long now) {
        int dash = sign.indexOf('-');
        if (dash < 1 || !sign.substring(0, dash).matches("\\d{1,12}") || !sign.substring(dash + 1).matches("[0-9a-fA-F]{32}")) {
            return Check.MALFORMED;
        }
        String exp = sign.substring(0, dash);
        byte[] given = HEX.parseHex(sign.substring(dash + 1).toLowerCase(java.util.Locale.ROOT));
        boolean match = false;
        for (String secret : secrets) {
            match |= MessageDigest.isEqual(md5("/" + app + "/" + name + "-" + exp + "-" + secret), given);
        }
        if (!match) {
            return Check.WRONG;
        }
        return Long.parseLong(exp) < now ? Check.EXPIRED : Check.VALID;
    }

    /** NMS's signature for {@code app/name} until {@code expires}: {@code EXP-MD5HEX}. */
    public static String nmsSign(String app, String name, long expires, String secret) {
        return expires + "-" + HEX.formatHex(md5("/" + app + "/" + name + "-" + expires + "-" + secret));
    }

    private static byte[] hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] md5(String text) {
        try {
            return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }
}
