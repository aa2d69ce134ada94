package io.sluice.worker.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * An AAC stream's configuration from the AudioSpecificConfig RTMP sends as the AAC sequence
 * header (ISO/IEC 14496-3, 1.6.2.1): what both HLS muxers need. The transport stream builds its
 * ADTS headers from the object type, frequency index and channels; the fragmented MP4 copies the
 * config into {@code esds} and takes the sampling frequency as the track's timescale.
 *
 * <p>With explicit SBR/PS signalling (object type 5 or 29) the first sampling frequency is the
 * AAC core's and a frame still holds 1024 core samples, so the core rate is what both muxers use;
 * the decoder doubles it on output.
 *
 * @param config         the AudioSpecificConfig as the publisher sent it
 * @param objectType     audio object type (2 = AAC LC, 5 = SBR, 29 = PS, ...), for {@code mp4a.40.N}
 * @param frequencyIndex sampling frequency index, 0..12, or 15 when the rate is explicit
 * @param sampleRate     samples per second of the (core) sampling frequency
 * @param channelConfig  channel configuration, 0..7
 * @param frameSamples   samples per frame: 1024, or 960 with the frameLengthFlag
 */
public record AacConfig(byte[] config, int objectType, int frequencyIndex, int sampleRate, int channelConfig,
                        int frameSamples) {

    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
            11025, 8000, 7350};
    /** The escape index after which a 24-bit sampling frequency follows. */
    public static final int EXPLICIT_FREQUENCY = 15;
    /** esds holds one-byte descriptor sizes; real AudioSpecificConfigs are 2 to ~10 bytes. */
    private static final int MAX_SIZE = 100;

    /** Reads the config from {@code asc}'s readable bytes (indexes untouched); see {@link #parse(byte[])}. */
    public static AacConfig parse(ByteBuf asc) {
        return parse(ByteBufUtil.getBytes(asc));
    }

    /**
     * Reads an AudioSpecificConfig.
     *
     * @throws IllegalArgumentException when it is cut short, longer than 100 bytes, of object
     *                                  type 0 or without a sampling frequency
     */
    public static AacConfig parse(byte[] asc) {
        if (asc.length < 2 || asc.length > MAX_SIZE) {
            throw new IllegalArgumentException("AudioSpecificConfig of " + asc.length + " bytes, not 2 to " + MAX_SIZE);
        }
        try {
            BitReader r = new BitReader(asc, 0, asc.length);
            int objectType = objectType(r);
            int frequencyIndex = r.u(4);
            int rate = frequency(r, frequencyIndex);
            int channels = r.u(4);
            int coreType = objectType;
            if (objectType == 5 || objectType == 29) {
                frequency(r, r.u(4)); // extensionSamplingFrequency
                coreType = objectType(r);
            }
            int frameSamples = 1024;
            // GASpecificConfig starts with frameLengthFlag for the GA object types (1.6.2.1, 4.4.1).
            if (coreType == 1 || coreType == 2 || coreType == 3 || coreType == 4 || coreType == 6
                    || coreType == 7 || coreType == 17 || coreType == 19 || coreType == 20 || coreType == 21
                    || coreType == 22 || coreType == 23) {
                frameSamples = r.flag() ? 960 : 1024;
            }
            if (objectType == 0) {
                throw new IllegalArgumentException("audio object type 0");
            }
            if (rate <= 0) {
                throw new IllegalArgumentException("AudioSpecificConfig with sampling frequency index " + frequencyIndex);
            }
            return new AacConfig(asc.clone(), objectType, frequencyIndex, rate, channels, frameSamples);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("AudioSpecificConfig of " + asc.length + " bytes is cut short", e);
        }
    }

    private static int objectType(BitReader r) {
        int type = r.u(5);
        return type == 31 ? 32 + r.u(6) : type;
    }

    private static int frequency(BitReader r, int index) {
        if (index == EXPLICIT_FREQUENCY) {
            return r.u(24);
        }
        return index < RATES.length ? RATES[index] : 0;
    }

    /** RFC 6381 codec string, {@code mp4a.40.N}. */
    public String codecs() {
        return "mp4a.40." + objectType;
    }

    /** Same configuration bytes: a repeated sequence header, not a new configuration. */
    public boolean sameConfig(AacConfig other) {
        return other != null && java.util.Arrays.equals(config, other.config);
    }
}
