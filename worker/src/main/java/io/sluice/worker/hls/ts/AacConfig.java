package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;

/**
 * An AAC stream's configuration from the AudioSpecificConfig RTMP sends as the AAC sequence
 * header (ISO/IEC 14496-3, 1.6.2.1), and the ADTS header (14496-3, 1.A.2) that each raw frame
 * needs in a transport stream, which has no other place for it.
 *
 * @param objectType       audio object type (2 = AAC LC, 5 = SBR, 29 = PS, ...)
 * @param frequencyIndex   sampling frequency index, 0..12
 * @param channelConfig    channel configuration, 0..7
 * @param sampleRate       samples per second of the frequency index
 */
public record AacConfig(int objectType, int frequencyIndex, int channelConfig, int sampleRate) {

    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
            11025, 8000, 7350};
    /** ADTS has 13 bits for the frame length, header included. */
    static final int MAX_FRAME = 8191 - 7;

    /**
     * Reads the AudioSpecificConfig from {@code asc}'s readable bytes (indexes untouched).
     *
     * @throws IllegalArgumentException when it is too short or uses an explicit sampling rate,
     *                                  which ADTS cannot signal
     */
    public static AacConfig parse(ByteBuf asc) {
        if (asc.readableBytes() < 2) {
            throw new IllegalArgumentException("AudioSpecificConfig shorter than 2 bytes");
        }
        byte[] bytes = new byte[Math.min(asc.readableBytes(), 8)];
        asc.getBytes(asc.readerIndex(), bytes);
        BitReader r = new BitReader(bytes, 0);
        int objectType = r.bits(5);
        if (objectType == 31) {
            objectType = 32 + r.bits(6);
        }
        int frequencyIndex = r.bits(4);
        if (frequencyIndex >= RATES.length) {
            throw new IllegalArgumentException("sampling frequency index " + frequencyIndex + " cannot go in ADTS");
        }
        int channels = r.bits(4);
        if (objectType == 0) {
            throw new IllegalArgumentException("audio object type 0");
        }
        return new AacConfig(objectType, frequencyIndex, channels, RATES[frequencyIndex]);
    }

    /**
     * The ADTS profile: object type minus one, for the four types ADTS can name. HE-AAC (SBR 5,
     * PS 29) is sent as its AAC LC core, which every HE-AAC decoder upsamples implicitly
     * (14496-3, 4.6.18.2.6; the way ffmpeg's ADTS muxer also writes it).
     */
    int adtsProfile() {
        return objectType >= 1 && objectType <= 4 ? objectType - 1 : 1;
    }

    /** RFC 6381 codec string, {@code mp4a.40.N}. */
    public String codecs() {
        return "mp4a.40." + objectType;
    }

    /**
     * Writes the 7-byte ADTS header (no CRC) of a raw frame of {@code frameLength} bytes.
     *
     * @throws IllegalArgumentException when the frame is too long for ADTS
     */
    public void writeAdtsHeader(int frameLength, ByteBuf out) {
        if (frameLength > MAX_FRAME) {
            throw new IllegalArgumentException("AAC frame of " + frameLength + " bytes is too long for ADTS");
        }
        int length = frameLength + 7;
        out.writeByte(0xFF);
        out.writeByte(0xF1); // MPEG-4, layer 0, no CRC
        out.writeByte((adtsProfile() << 6) | (frequencyIndex << 2) | ((channelConfig >> 2) & 1));
        out.writeByte(((channelConfig & 3) << 6) | (length >> 11));
        out.writeByte((length >> 3) & 0xFF);
        out.writeByte(((length & 7) << 5) | 0x1F); // buffer fullness 0x7FF: variable rate
        out.writeByte(0xFC); // one raw data block
    }
}
