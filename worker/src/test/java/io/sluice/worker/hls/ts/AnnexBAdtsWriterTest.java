package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.worker.media.AacConfig;
import io.sluice.worker.media.AvcConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link AnnexBWriter} and {@link AdtsWriter}: the TS forms of H.264 and AAC frames. */
class AnnexBAdtsWriterTest {

    /** x264's SPS of a 1920x1080 Constrained Baseline stream: coded 1088 lines, cropped to 1080. */
    private static final String SPS_1080 = "6742c028da01e0089f97011000000300100000030320f1832a";
    private static final String PPS = "68ce0fc8";

    private static ByteBuf record(String sps, String pps) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("01" + sps.substring(2, 8) + "ff" + "e1"
                + String.format("%04x", sps.length() / 2) + sps + "01" + String.format("%04x", pps.length() / 2) + pps));
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
            AnnexBWriter.write(config, avcc, true, out);
            assertEquals("0000000109f0" + "00000001" + SPS_1080 + "00000001" + PPS + "00000001060102"
                    + "0000000165888400", ByteBufUtil.hexDump(out));
            out.clear();
            AnnexBWriter.write(config, avcc, false, out);
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
            AnnexBWriter.write(AvcConfig.parse(record), avcc, true, out);
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
            assertThrows(IllegalArgumentException.class, () -> AnnexBWriter.write(config, avcc, true, out));
            assertEquals(0, out.readableBytes());
        } finally {
            record.release();
            avcc.release();
            out.release();
        }
    }

    @Test
    void adtsHeaderOfAacLcStereo44100() {
        ByteBuf asc = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("1210")); // LC, index 4, 2 channels
        ByteBuf out = Unpooled.buffer();
        try {
            AacConfig config = AacConfig.parse(asc);
            AdtsWriter.writeHeader(config, 100, out);
            // FFF1, profile 1 (LC) << 6 | index 4 << 2 | 0, channels 2 << 6, length 107, fullness 7FF, 1 block.
            assertEquals("fff15080" + "0d7ffc", ByteBufUtil.hexDump(out));
            assertThrows(IllegalArgumentException.class, () -> AdtsWriter.writeHeader(config, 8185, out));
        } finally {
            asc.release();
            out.release();
        }
    }

    @Test
    void heAacIsSignalledAsItsLcCore() {
        ByteBuf asc = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("2b920800")); // SBR, 24 kHz core
        ByteBuf explicitRate = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("17805dc010"));
        try {
            AacConfig config = AacConfig.parse(asc);
            assertEquals(1, AdtsWriter.profile(config));
            AacConfig explicit = AacConfig.parse(explicitRate);
            assertFalse(AdtsWriter.canSignal(explicit));
            assertThrows(IllegalArgumentException.class, () -> AdtsWriter.writeHeader(explicit, 10, Unpooled.buffer(0)));
        } finally {
            asc.release();
            explicitRate.release();
        }
    }
}
