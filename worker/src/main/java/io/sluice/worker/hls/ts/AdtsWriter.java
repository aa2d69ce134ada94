package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.media.AacConfig;

/**
 * The ADTS header (ISO/IEC 14496-3, 1.A.2) that each raw AAC frame needs in a transport stream,
 * which has no other place for the AudioSpecificConfig.
 */
final class AdtsWriter {

    /** ADTS has 13 bits for the frame length, header included. */
    static final int MAX_FRAME = 8191 - 7;
    /** ADTS signals the sampling frequency by index only. */
    private static final int MAX_FREQUENCY_INDEX = 12;

    private AdtsWriter() {
    }

    /** Whether ADTS can signal {@code aac}: not with an explicit sampling rate. */
    static boolean canSignal(AacConfig aac) {
        return aac.frequencyIndex() <= MAX_FREQUENCY_INDEX;
    }

    /**
     * The ADTS profile: object type minus one, for the four types ADTS can name. HE-AAC (SBR 5,
     * PS 29) is sent as its AAC LC core, which every HE-AAC decoder upsamples implicitly
     * (14496-3, 4.6.18.2.6; the way ffmpeg's ADTS muxer also writes it).
     */
    static int profile(AacConfig aac) {
        int type = aac.objectType();
        return type >= 1 && type <= 4 ? type - 1 : 1;
    }

    /**
     * Writes the 7-byte ADTS header (no CRC) of a raw frame of {@code frameLength} bytes.
     *
     * @throws IllegalArgumentException when the frame is too long for ADTS or the config has an
     *                                  explicit rate
     */
    static void writeHeader(AacConfig aac, int frameLength, ByteBuf out) {
        if (frameLength > MAX_FRAME) {
            throw new IllegalArgumentException("AAC frame of " + frameLength + " bytes is too long for ADTS");
        }
        if (!canSignal(aac)) {
            throw new IllegalArgumentException("sampling frequency index " + aac.frequencyIndex() + " cannot go in ADTS");
        }
        int length = frameLength + 7;
        int channels = aac.channelConfig();
        out.writeByte(0xFF);
        out.writeByte(0xF1); // MPEG-4, layer 0, no CRC
        out.writeByte((profile(aac) << 6) | (aac.frequencyIndex() << 2) | ((channels >> 2) & 1));
        out.writeByte(((channels & 3) << 6) | (length >> 11));
        out.writeByte((length >> 3) & 0xFF);
        out.writeByte(((length & 7) << 5) | 0x1F); // buffer fullness 0x7FF: variable rate
        out.writeByte(0xFC); // one raw data block
    }
}
