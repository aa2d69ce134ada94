package io.sluice.worker.rtmp.handshake;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client side of ffmpeg's {@code rtmp_handshake()} (libavformat/rtmpproto.c), written again for the
 * tests without {@link HandshakeDigest}: building C0+C1, the checks a playing ffmpeg makes on S0/S1/S2,
 * and C2. If our server passes these, ffplay and ffmpeg accept it.
 */
final class FfmpegClientSteps {

    static final int SIZE = 1536;

    private static final int[] TAIL = {
            0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02,
            0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8,
            0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE
    };
    /** ffmpeg's rtmp_player_key; the first 30 bytes (PLAYER_KEY_OPEN_PART_LEN) sign C1. */
    static final byte[] PLAYER_KEY = key("Genuine Adobe Flash Player 001");
    /** ffmpeg's rtmp_server_key; the first 36 bytes (SERVER_KEY_OPEN_PART_LEN) sign S1. */
    static final byte[] SERVER_KEY = key("Genuine Adobe Flash Media Server 001");

    /** C0+C1 and where C1's digest sits. */
    record ClientHello(byte[] c0c1, int digestPos) {
        byte[] c1() {
            return Arrays.copyOfRange(c0c1, 1, 1 + SIZE);
        }
    }

    private FfmpegClientSteps() {
    }

    /**
     * C0+C1 as ffmpeg sends it: version byte 3, uptime 0, version 9.0.124.2, pseudo-random bytes, the
     * digest at calc_digest_pos(base). ffmpeg itself uses base 8 for RTMP and 772 for RTMPE; Flash
     * Player uses 772 with version byte 3, which is what {@code base = 772} stands for here.
     */
    static ClientHello clientHello(int base, Random random) {
        byte[] out = new byte[SIZE + 1];
        random.nextBytes(out);
        out[0] = 3;
        out[1] = out[2] = out[3] = out[4] = 0;
        out[5] = 9;
        out[6] = 0;
        out[7] = 124;
        out[8] = 2;
        byte[] c1 = Arrays.copyOfRange(out, 1, SIZE + 1);
        int pos = calcDigestPos(c1, base, 728, base + 4);
        byte[] digest = calcDigest(c1, SIZE, pos, Arrays.copyOf(PLAYER_KEY, 30));
        System.arraycopy(digest, 0, out, 1 + pos, 32);
        return new ClientHello(out, pos);
    }

    /**
     * The checks of ffmpeg's rtmp_handshake() when playing ({@code is_input}), given the 3073 bytes
     * S0+S1+S2: S1 is validated only if its first version byte is at least 3 (asserted here, since our
     * server must be verified), at 772 first and then at 8, and S2's last 32 bytes must be the
     * signature keyed with HMAC(server key, C1 digest). Returns the server digest position in S1.
     */
    static int verifyServerHello(ClientHello hello, byte[] s0s1s2) {
        assertEquals(1 + 2 * SIZE, s0s1s2.length, "S0+S1+S2 length");
        assertEquals(3, s0s1s2[0], "S0");
        byte[] s1 = Arrays.copyOfRange(s0s1s2, 1, 1 + SIZE);
        byte[] s2 = Arrays.copyOfRange(s0s1s2, 1 + SIZE, 1 + 2 * SIZE);
        assertTrue((s1[4] & 0xFF) >= 3, "ffmpeg only verifies a server whose S1 version starts >= 3");

        int serverPos = validateDigest(s1, 772);
        if (serverPos == 0) {
            serverPos = validateDigest(s1, 8);
        }
        assertNotEquals(0, serverPos, "Server response validating failed");

        byte[] c1Digest = Arrays.copyOfRange(hello.c1(), hello.digestPos(), hello.digestPos() + 32);
        byte[] digest = calcDigest(c1Digest, 32, 0, SERVER_KEY);
        byte[] signature = calcDigest(s2, SIZE - 32, 0, digest);
        assertArrayEquals(signature, Arrays.copyOfRange(s2, SIZE - 32, SIZE), "Signature mismatch");
        return serverPos;
    }

    /** C2 as ffmpeg writes it after verifying the server: random bytes signed via S1's digest. */
    static byte[] clientResponse(byte[] s0s1s2, int serverPos, Random random) {
        byte[] c2 = new byte[SIZE];
        random.nextBytes(c2);
        byte[] serverDigest = Arrays.copyOfRange(s0s1s2, 1 + serverPos, 1 + serverPos + 32);
        byte[] digest = calcDigest(serverDigest, 32, 0, PLAYER_KEY);
        System.arraycopy(calcDigest(c2, SIZE - 32, 0, digest), 0, c2, SIZE - 32, 32);
        return c2;
    }

    /** ffmpeg's rtmp_validate_digest(): the digest position if S1 carries the server digest there, else 0. */
    static int validateDigest(byte[] s1, int off) {
        int pos = calcDigestPos(s1, off, 728, off + 4);
        byte[] digest = calcDigest(s1, SIZE, pos, Arrays.copyOf(SERVER_KEY, 36));
        return Arrays.equals(digest, Arrays.copyOfRange(s1, pos, pos + 32)) ? pos : 0;
    }

    /** Same check with the client (player) key, as nginx-rtmp's ngx_rtmp_find_digest does on C1. */
    static boolean hasClientDigest(byte[] c1, int off) {
        int pos = calcDigestPos(c1, off, 728, off + 4);
        byte[] digest = calcDigest(c1, SIZE, pos, Arrays.copyOf(PLAYER_KEY, 30));
        return Arrays.equals(digest, Arrays.copyOfRange(c1, pos, pos + 32));
    }

    static int calcDigestPos(byte[] buf, int off, int mod, int add) {
        int sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += buf[off + i] & 0xFF;
        }
        return sum % mod + add;
    }

    /** ff_rtmp_calc_digest(): HMAC-SHA256 of src[0, len) skipping the 32 bytes at gap when gap > 0. */
    static byte[] calcDigest(byte[] src, int len, int gap, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            if (gap <= 0) {
                mac.update(src, 0, len);
            } else {
                mac.update(src, 0, gap);
                mac.update(src, gap + 32, len - gap - 32);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] key(String text) {
        byte[] head = text.getBytes(StandardCharsets.US_ASCII);
        byte[] key = Arrays.copyOf(head, head.length + TAIL.length);
        for (int i = 0; i < TAIL.length; i++) {
            key[head.length + i] = (byte) TAIL[i];
        }
        return key;
    }
}
