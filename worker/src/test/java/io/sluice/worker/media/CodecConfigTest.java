package io.sluice.worker.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AvcConfig}, {@link AacConfig} and {@link BitReader}, which both HLS muxers read codecs with. */
class CodecConfigTest {

    /** x264's SPS of a 1920x1080 Constrained Baseline stream: coded 1088 lines, cropped to 1080. */
    static final String SPS_1080 = "6742c028da01e0089f97011000000300100000030320f1832a";
    static final String PPS = "68ce0fc8";

    static byte[] avcRecord(String sps, String pps) {
        return ByteBufUtil.decodeHexDump("01" + sps.substring(2, 8) + "ff" + "e1"
                + String.format("%04x", sps.length() / 2) + sps + "01" + String.format("%04x", pps.length() / 2) + pps);
    }

    @Test
    void readsCodecStringParameterSetsAndCroppedPictureSize() {
        ByteBuf record = Unpooled.wrappedBuffer(avcRecord(SPS_1080, PPS));
        try {
            AvcConfig config = AvcConfig.parse(record);
            assertEquals(4, config.nalLengthSize());
            assertEquals("avc1.42C028", config.codecs());
            assertEquals(1920, config.width());
            assertEquals(1080, config.height());
            assertEquals(SPS_1080, ByteBufUtil.hexDump(config.sps().get(0)));
            assertEquals(PPS, ByteBufUtil.hexDump(config.pps().get(0)));
            assertArrayEquals(avcRecord(SPS_1080, PPS), config.record());
            assertEquals(0, record.readerIndex());
        } finally {
            record.release();
        }
    }

    @Test
    void sameParameterSetsIsARepeatNotANewConfiguration() {
        AvcConfig a = AvcConfig.parse(avcRecord(SPS_1080, PPS));
        assertTrue(a.sameParameterSets(AvcConfig.parse(avcRecord(SPS_1080, PPS))));
        assertFalse(a.sameParameterSets(AvcConfig.parse(avcRecord(SPS_1080, "68ce0fc9"))));
        assertFalse(a.sameParameterSets(null));
    }

    @Test
    void brokenAvcRecordsAreRefused() {
        for (String hex : new String[] {"", "02640028ffe1", "01640028ffe1", "01640028ffe10010", "01640028fde1000167",
            "01640028ffe0" + "01000168"}) {
            assertThrows(IllegalArgumentException.class, () -> AvcConfig.parse(ByteBufUtil.decodeHexDump(hex)), hex);
        }
    }

    @Test
    void truncatedSpsGivesNoSizeRatherThanAGuess() {
        int[] size = AvcConfig.pictureSize(ByteBufUtil.decodeHexDump("6742c028"));
        assertEquals(0, size[0]);
        assertEquals(0, size[1]);
    }

    @Test
    void aacLcStereo44100() {
        AacConfig config = AacConfig.parse(ByteBufUtil.decodeHexDump("1210")); // LC, index 4, 2 channels
        assertEquals(2, config.objectType());
        assertEquals(4, config.frequencyIndex());
        assertEquals(44100, config.sampleRate());
        assertEquals(2, config.channelConfig());
        assertEquals(1024, config.frameSamples());
        assertEquals("mp4a.40.2", config.codecs());
        assertTrue(config.sameConfig(AacConfig.parse(ByteBufUtil.decodeHexDump("1210"))));
        assertFalse(config.sameConfig(AacConfig.parse(ByteBufUtil.decodeHexDump("1190"))));
    }

    @Test
    void heAacKeepsItsCoreRateAndExplicitRatesAndShortFramesAreRead() {
        AacConfig sbr = AacConfig.parse(ByteBufUtil.decodeHexDump("2b920800")); // SBR over a 22.05 kHz core
        assertEquals(5, sbr.objectType());
        assertEquals(22050, sbr.sampleRate());
        assertEquals("mp4a.40.5", sbr.codecs());
        AacConfig explicit = AacConfig.parse(ByteBufUtil.decodeHexDump("17805dc010")); // LC, 48000 written out, 2 channels
        assertEquals(AacConfig.EXPLICIT_FREQUENCY, explicit.frequencyIndex());
        assertEquals(48000, explicit.sampleRate());
        assertEquals(960, AacConfig.parse(ByteBufUtil.decodeHexDump("1214")).frameSamples()); // frameLengthFlag
    }

    @Test
    void brokenAacConfigsAreRefused() {
        for (String hex : new String[] {"", "12", "0210", "1780", "1690", "12" + "00".repeat(100)}) {
            assertThrows(IllegalArgumentException.class, () -> AacConfig.parse(ByteBufUtil.decodeHexDump(hex)), hex);
        }
    }

    @Test
    void bitReaderReadsFieldsExpGolombAndRbsp() {
        // 101 | ue 00111 = 6 | se 00100: k = 3 -> +2 | uvlc 1 = 0 | 00
        BitReader r = new BitReader(new byte[] {(byte) 0b10100111, (byte) 0b00100100}, 0, 2);
        assertEquals(5, r.u(3));
        assertEquals(6, r.ue());
        assertEquals(2, r.se());
        assertEquals(0, r.uvlc());
        assertEquals(0, r.bits(2));
        assertThrows(IndexOutOfBoundsException.class, r::bit);
        // 00 00 03 01: the emulation prevention byte is dropped after the one-byte header.
        BitReader rbsp = BitReader.rbsp(ByteBufUtil.decodeHexDump("67000003ff"), 1);
        assertEquals(0, rbsp.u(16));
        assertEquals(0xff, rbsp.u(8));
        assertThrows(IndexOutOfBoundsException.class, rbsp::bit);
        BitReader zeros = new BitReader(new byte[5], 0, 5);
        assertThrows(IndexOutOfBoundsException.class, zeros::ue);
    }
}
