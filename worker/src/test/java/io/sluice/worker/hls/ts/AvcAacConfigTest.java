package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AvcAacConfigTest {

    /** x264's SPS of a 1920x1080 Constrained Baseline stream: coded 1088 lines, cropped to 1080. */
    private static final String SPS_1080 = "6742c028da01e0089f97011000000300100000030320f1832a";
    private static final String PPS = "68ce0fc8";

    private static ByteBuf record(String sps, String pps) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("01" + sps.substring(2, 8) + "ff" + "e1"
                + String.format("%04x", sps.length() / 2) + sps + "01" + String.format("%04x", pps.length() / 2) + pps));
    }

    @Test
    void readsCodecStringAndCroppedPictureSize() {
        ByteBuf record = record(SPS_1080, PPS);
        try {
            AvcConfig config = AvcConfig.parse(record);
            assertEquals(4, config.nalLengthSize());
            assertEquals("avc1.42c028", config.codecs());
            assertEquals(1920, config.width());
            assertEquals(1080, config.height());
            assertEquals(0, record.readerIndex());
        } finally {
            record.release();
        }
    }

    @Test
    void annexBHasOneDelimiterAndParameterSetsBeforeKeyFrames() {
        ByteBuf record = record(SPS_1080, PPS);
        // AVCC: an AUD of the encoder's own (dropped), an SEI, an IDR slice.
        ByteBuf avcc = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00000002" + "0910" + "00000003" + "060102"
                + "00000004" + "65888400"));
        ByteBuf out = Unpooled.buffer();
        try {
            AvcConfig config = AvcConfig.parse(record);
            config.writeAnnexB(avcc, true, out);
            assertEquals("0000000109f0" + "00000001" + SPS_1080 + "00000001" + PPS + "00000001060102"
                    + "0000000165888400", ByteBufUtil.hexDump(out));
            out.clear();
            config.writeAnnexB(avcc, false, out);
            assertEquals("0000000109f0" + "00000001060102" + "0000000165888400", ByteBufUtil.hexDump(out));
        } finally {
            record.release();
            avcc.release();
            out.release();
        }
    }

    @Test
    void aFrameWithItsOwnSpsGetsNoSecondCopy() {
        ByteBuf record = record(SPS_1080, PPS);
        ByteBuf avcc = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00000002" + "6742" + "00000002" + "6588"));
        ByteBuf out = Unpooled.buffer();
        try {
            AvcConfig.parse(record).writeAnnexB(avcc, true, out);
            assertEquals("0000000109f0" + "000000016742" + "000000016588", ByteBufUtil.hexDump(out));
        } finally {
            record.release();
            avcc.release();
            out.release();
        }
    }

    @Test
    void nalLengthPastTheFrameWritesNothing() {
        ByteBuf record = record(SPS_1080, PPS);
        ByteBuf avcc = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00000002" + "6588" + "000000ff" + "65"));
        ByteBuf out = Unpooled.buffer();
        try {
            AvcConfig config = AvcConfig.parse(record);
            assertThrows(IllegalArgumentException.class, () -> config.writeAnnexB(avcc, true, out));
            assertEquals(0, out.readableBytes());
        } finally {
            record.release();
            avcc.release();
            out.release();
        }
    }

    @Test
    void brokenRecordsAreRefused() {
        for (String hex : new String[] {"", "02640028ffe1", "01640028ffe1", "01640028ffe10010", "01640028fde1000167"}) {
            ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
            try {
                assertThrows(IllegalArgumentException.class, () -> AvcConfig.parse(b), hex);
            } finally {
                b.release();
            }
        }
    }

    @Test
    void truncatedSpsGivesNoSizeRatherThanAGuess() {
        int[] size = AvcConfig.pictureSize(ByteBufUtil.decodeHexDump("6742c028"));
        assertEquals(0, size[0]);
        assertEquals(0, size[1]);
    }

    @Test
    void adtsHeaderOfAacLcStereo44100() {
        ByteBuf asc = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("1210")); // LC, index 4, 2 channels
        ByteBuf out = Unpooled.buffer();
        try {
            AacConfig config = AacConfig.parse(asc);
            assertEquals(new AacConfig(2, 4, 2, 44100), config);
            assertEquals("mp4a.40.2", config.codecs());
            config.writeAdtsHeader(100, out);
            // FFF1, profile 1 (LC) << 6 | index 4 << 2 | 0, channels 2 << 6, length 107, fullness 7FF, 1 block.
            assertEquals("fff15080" + "0d7ffc", ByteBufUtil.hexDump(out));
            assertThrows(IllegalArgumentException.class, () -> config.writeAdtsHeader(8185, out));
        } finally {
            asc.release();
            out.release();
        }
    }

    @Test
    void heAacIsSignalledAsItsLcCore() {
        ByteBuf asc = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("2b920800")); // SBR, 24 kHz core
        ByteBuf explicitRate = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("178000bb80"));
        try {
            AacConfig config = AacConfig.parse(asc);
            assertEquals(5, config.objectType());
            assertEquals(1, config.adtsProfile());
            assertThrows(IllegalArgumentException.class, () -> AacConfig.parse(explicitRate));
        } finally {
            asc.release();
            explicitRate.release();
        }
    }
}
