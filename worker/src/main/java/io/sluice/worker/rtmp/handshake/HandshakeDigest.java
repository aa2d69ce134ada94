package io.sluice.worker.rtmp.handshake;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

/**
 * The digest ("complex") RTMP handshake as pure functions over 1536-byte handshake packets (C1/S1 and
 * C2/S2 without the version byte). Adobe never published it; the facts below are the ones Flash Player,
 * ffmpeg ({@code rtmpproto.c}), librtmp in FP9 mode, nginx-rtmp and SRS agree on:
 *
 * <ul>
 *   <li>A challenge (C1/S1) carries time (4 bytes), a non-zero version (4 bytes) and a 32-byte digest at
 *       a position derived from four offset bytes, under one of two {@link Scheme}s. The digest is
 *       HMAC-SHA256 over the 1504 other bytes, keyed with the sender's {@link Key partial key}.</li>
 *   <li>A response (C2/S2) is 1504 bytes followed by HMAC-SHA256 over them, keyed with
 *       HMAC-SHA256(key = the responder's full key, data = the peer's challenge digest).</li>
 * </ul>
 *
 * <p>Randomness plays no security role here (the keys are public constants), so callers fill packets
 * with any random bytes they like.
 */
public final class HandshakeDigest {

    /** Size of C1, S1, C2 and S2 (spec 5.2.3, 5.2.4). */
    public static final int PACKET_SIZE = 1536;
    /** Size of an HMAC-SHA256 digest. */
    public static final int DIGEST_SIZE = 32;
    /** Where the signature of a response packet (C2/S2) starts: its last 32 bytes. */
    public static final int SIGNATURE_OFFSET = PACKET_SIZE - DIGEST_SIZE;

    /** The digest position is (sum of the four offset bytes) modulo this, past the offset bytes. */
    private static final int POSITION_MODULUS = 728;

    /** The 32 bytes both full keys end with. */
    private static final byte[] KEY_TAIL = {
            (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
            (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
            (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
            (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE
    };

    private static final String HMAC_SHA256 = "HmacSHA256";

    /** The four HMAC keys of the digest handshake. */
    public enum Key {
        /** "Genuine Adobe Flash Player 001" (30 bytes): signs the client's C1 digest. */
        PLAYER_PARTIAL("Genuine Adobe Flash Player 001", false),
        /** The player text plus the 32 constant bytes (62 bytes): derives the key that signs C2. */
        PLAYER_FULL("Genuine Adobe Flash Player 001", true),
        /** "Genuine Adobe Flash Media Server 001" (36 bytes): signs the server's S1 digest. */
        SERVER_PARTIAL("Genuine Adobe Flash Media Server 001", false),
        /** The server text plus the 32 constant bytes (68 bytes): derives the key that signs S2. */
        SERVER_FULL("Genuine Adobe Flash Media Server 001", true);

        private final byte[] bytes;

        Key(String text, boolean full) {
            byte[] head = text.getBytes(StandardCharsets.US_ASCII);
            byte[] key = Arrays.copyOf(head, head.length + (full ? KEY_TAIL.length : 0));
            if (full) {
                System.arraycopy(KEY_TAIL, 0, key, head.length, KEY_TAIL.length);
            }
            this.bytes = key;
        }

        /** Key length in bytes: 30, 62, 36 or 68. */
        public int length() {
            return bytes.length;
        }
    }

    /**
     * Where a challenge packet keeps its digest. Both split the packet after the time and version fields
     * into two 764-byte blocks; the digest block starts with four offset bytes.
     */
    public enum Scheme {
        /**
         * Digest block first: offset bytes 8..11, digest at 12 + sum % 728. ffmpeg and librtmp use it for
         * plain RTMP; nginx-rtmp signs its S1 this way whatever the client used.
         */
        BASE_8(8),
        /**
         * Digest block second: offset bytes 772..775, digest at 776 + sum % 728. Flash Player uses it;
         * ffmpeg uses it for RTMPE.
         */
        BASE_772(772);

        private final int offsetField;

        Scheme(int offsetField) {
            this.offsetField = offsetField;
        }

        /** Index of the first of the four offset bytes. */
        public int offsetField() {
            return offsetField;
        }

        /**
         * Position of the 32-byte digest in {@code packet}: between {@code offsetField + 4} and
         * {@code offsetField + 4 + 727}, so always inside the packet.
         */
        public int digestPosition(byte[] packet) {
            requirePacket(packet);
            int sum = 0;
            for (int i = 0; i < 4; i++) {
                sum += packet[offsetField + i] & 0xFF; // unsigned: 0xFF counts 255, not -1
            }
            return sum % POSITION_MODULUS + offsetField + 4;
        }
    }

    private HandshakeDigest() {
    }

    /** HMAC-SHA256 of {@code data[offset, offset + length)} keyed with {@code key}. */
    public static byte[] hmacSha256(byte[] key, byte[] data, int offset, int length) {
        Mac mac = newMac(key);
        mac.update(data, offset, length);
        return mac.doFinal();
    }

    /**
     * The digest a challenge packet should carry at {@code position}: HMAC-SHA256 over the packet
     * without the 32 bytes at {@code position}.
     */
    public static byte[] challengeDigest(byte[] packet, int position, Key key) {
        requirePacket(packet);
        if (position < 0 || position > PACKET_SIZE - DIGEST_SIZE) {
            throw new IllegalArgumentException("digest position " + position + " outside [0, "
                    + (PACKET_SIZE - DIGEST_SIZE) + "]");
        }
        Mac mac = newMac(key.bytes);
        mac.update(packet, 0, position);
        mac.update(packet, position + DIGEST_SIZE, PACKET_SIZE - position - DIGEST_SIZE);
        return mac.doFinal();
    }

    /** Whether {@code packet} carries a valid digest signed with {@code key} under {@code scheme}. */
    public static boolean validate(byte[] packet, Scheme scheme, Key key) {
        int position = scheme.digestPosition(packet);
        byte[] expected = challengeDigest(packet, position, key);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(packet, position, position + DIGEST_SIZE));
    }

    /**
     * The scheme under which {@code packet} carries a digest signed with {@code key}, trying
     * {@link Scheme#BASE_772} first and then {@link Scheme#BASE_8} (ffmpeg's and nginx-rtmp's order).
     */
    public static Optional<Scheme> findScheme(byte[] packet, Key key) {
        if (validate(packet, Scheme.BASE_772, key)) {
            return Optional.of(Scheme.BASE_772);
        }
        if (validate(packet, Scheme.BASE_8, key)) {
            return Optional.of(Scheme.BASE_8);
        }
        return Optional.empty();
    }

    /**
     * Writes the digest into {@code packet} at the position {@code scheme} derives from the packet's
     * offset bytes (which the caller has filled) and returns that position.
     */
    public static int imprint(byte[] packet, Scheme scheme, Key key) {
        int position = scheme.digestPosition(packet);
        byte[] digest = challengeDigest(packet, position, key);
        System.arraycopy(digest, 0, packet, position, DIGEST_SIZE);
        return position;
    }

    /** A copy of the 32 digest bytes {@code packet} carries under {@code scheme}. */
    public static byte[] digestAt(byte[] packet, Scheme scheme) {
        int position = scheme.digestPosition(packet);
        return Arrays.copyOfRange(packet, position, position + DIGEST_SIZE);
    }

    /**
     * The key that signs the response to a challenge: HMAC-SHA256 of the challenge's digest keyed with
     * the responder's full key ({@link Key#SERVER_FULL} for S2, {@link Key#PLAYER_FULL} for C2).
     */
    public static byte[] responseKey(byte[] challengeDigest, Key fullKey) {
        if (challengeDigest.length != DIGEST_SIZE) {
            throw new IllegalArgumentException("challenge digest is " + challengeDigest.length
                    + " bytes, expected " + DIGEST_SIZE);
        }
        return hmacSha256(fullKey.bytes, challengeDigest, 0, DIGEST_SIZE);
    }

    /** Writes the signature of a response packet into its last 32 bytes. */
    public static void signResponse(byte[] packet, byte[] responseKey) {
        requirePacket(packet);
        byte[] signature = hmacSha256(responseKey, packet, 0, SIGNATURE_OFFSET);
        System.arraycopy(signature, 0, packet, SIGNATURE_OFFSET, DIGEST_SIZE);
    }

    /** Whether the last 32 bytes of a response packet are its signature under {@code responseKey}. */
    public static boolean verifyResponse(byte[] packet, byte[] responseKey) {
        requirePacket(packet);
        byte[] expected = hmacSha256(responseKey, packet, 0, SIGNATURE_OFFSET);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(packet, SIGNATURE_OFFSET, PACKET_SIZE));
    }

    /**
     * Whether the version field (bytes 4..7) of a challenge is non-zero. A zero version marks the
     * simple handshake of spec 5.2.3, where that field is "zero"; digest clients put their version there.
     */
    public static boolean hasVersion(byte[] packet) {
        requirePacket(packet);
        return (packet[4] | packet[5] | packet[6] | packet[7]) != 0;
    }

    /** The version field of a challenge as {@code a.b.c.d}, for logs. */
    public static String version(byte[] packet) {
        requirePacket(packet);
        return (packet[4] & 0xFF) + "." + (packet[5] & 0xFF) + "." + (packet[6] & 0xFF) + "." + (packet[7] & 0xFF);
    }

    private static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(key, HMAC_SHA256));
            return mac;
        } catch (GeneralSecurityException e) {
            // Every Java SE runtime must provide HmacSHA256; reaching this means a broken JRE.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static void requirePacket(byte[] packet) {
        if (packet.length != PACKET_SIZE) {
            throw new IllegalArgumentException("handshake packet is " + packet.length + " bytes, expected "
                    + PACKET_SIZE);
        }
    }
}
