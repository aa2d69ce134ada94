package io.sluice.worker.rtmp.handshake;

import io.sluice.worker.rtmp.handshake.HandshakeDigest.Key;
import io.sluice.worker.rtmp.handshake.HandshakeDigest.Scheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;

import static io.sluice.worker.rtmp.handshake.FfmpegClientSteps.SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeDigestTest {

    @Test
    void hmacSha256MatchesRfc4231TestCase2() {
        byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        byte[] mac = HandshakeDigest.hmacSha256("Jefe".getBytes(StandardCharsets.US_ASCII), data, 0, data.length);
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", HexFormat.of().formatHex(mac));
    }

    @Test
    void keysHaveTheLengthsFfmpegUses() {
        assertEquals(30, Key.PLAYER_PARTIAL.length());
        assertEquals(62, Key.PLAYER_FULL.length());
        assertEquals(36, Key.SERVER_PARTIAL.length());
        assertEquals(68, Key.SERVER_FULL.length());
    }

    @Test
    void digestPositionSumsUnsignedBytes() {
        byte[] packet = new byte[SIZE];
        Arrays.fill(packet, 8, 12, (byte) 0xFF);
        Arrays.fill(packet, 772, 776, (byte) 0xFF);
        // 4 * 255 = 1020; 1020 % 728 = 292. Signed bytes would give a negative sum.
        assertEquals(292 + 12, Scheme.BASE_8.digestPosition(packet));
        assertEquals(292 + 776, Scheme.BASE_772.digestPosition(packet));
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void largestPositionKeepsTheDigestInsideThePacket(Scheme scheme) {
        byte[] packet = new byte[SIZE];
        new Random(1).nextBytes(packet);
        int base = scheme.offsetField();
        packet[base] = (byte) 255;
        packet[base + 1] = (byte) 255;
        packet[base + 2] = (byte) 217; // 255 + 255 + 217 = 727, the largest remainder
        packet[base + 3] = 0;
        int position = HandshakeDigest.imprint(packet, scheme, Key.SERVER_PARTIAL);

        assertEquals(base + 4 + 727, position);
        assertTrue(position + HandshakeDigest.DIGEST_SIZE <= SIZE);
        assertTrue(HandshakeDigest.validate(packet, scheme, Key.SERVER_PARTIAL));
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void imprintedDigestIsFoundUnderItsSchemeOnlyAndAgreesWithFfmpeg(Scheme scheme) {
        byte[] packet = new byte[SIZE];
        new Random(scheme.ordinal()).nextBytes(packet);
        int position = HandshakeDigest.imprint(packet, scheme, Key.PLAYER_PARTIAL);

        assertEquals(Optional.of(scheme), HandshakeDigest.findScheme(packet, Key.PLAYER_PARTIAL));
        assertEquals(Optional.empty(), HandshakeDigest.findScheme(packet, Key.SERVER_PARTIAL), "wrong key");
        assertTrue(FfmpegClientSteps.hasClientDigest(packet, scheme.offsetField()), "ffmpeg's own check");
        assertArrayEquals(Arrays.copyOfRange(packet, position, position + 32), HandshakeDigest.digestAt(packet, scheme));

        int outside = position == 100 ? 101 : 100;
        packet[outside] ^= 1;
        assertFalse(HandshakeDigest.validate(packet, scheme, Key.PLAYER_PARTIAL), "a changed byte breaks the digest");
    }

    @Test
    void signedResponseVerifiesOnlyWithItsKey() {
        byte[] challengeDigest = new byte[32];
        new Random(2).nextBytes(challengeDigest);
        byte[] key = HandshakeDigest.responseKey(challengeDigest, Key.SERVER_FULL);
        assertArrayEquals(FfmpegClientSteps.calcDigest(challengeDigest, 32, 0, FfmpegClientSteps.SERVER_KEY), key,
                "key derivation as in ffmpeg");

        byte[] packet = new byte[SIZE];
        new Random(3).nextBytes(packet);
        HandshakeDigest.signResponse(packet, key);

        assertTrue(HandshakeDigest.verifyResponse(packet, key));
        assertFalse(HandshakeDigest.verifyResponse(packet, HandshakeDigest.responseKey(challengeDigest, Key.PLAYER_FULL)));
        packet[0] ^= 1;
        assertFalse(HandshakeDigest.verifyResponse(packet, key));
    }

    @Test
    void versionField() {
        byte[] packet = new byte[SIZE];
        assertFalse(HandshakeDigest.hasVersion(packet));
        packet[7] = 2;
        assertTrue(HandshakeDigest.hasVersion(packet));
        packet[4] = (byte) 0x80;
        assertEquals("128.0.0.2", HandshakeDigest.version(packet));
    }

    @Test
    void rejectsPacketsOfTheWrongSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scheme.BASE_8.digestPosition(new byte[1535]));
        assertEquals("handshake packet is 1535 bytes, expected 1536", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HandshakeDigest.responseKey(new byte[31], Key.SERVER_FULL));
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeDigest.challengeDigest(new byte[SIZE], SIZE - 31, Key.SERVER_PARTIAL));
    }
}
