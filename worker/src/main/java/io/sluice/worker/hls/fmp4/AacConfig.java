package io.sluice.worker.hls.fmp4;

/**
 * Reads an AudioSpecificConfig (ISO/IEC 14496-3, 1.6.2.1) for the codecs string
 * ({@code mp4a.40.<audioObjectType>}, RFC 6381 3.3), the sampling frequency that becomes the
 * track's timescale, the channel count and the frame length.
 *
 * <p>With explicit SBR/PS signalling (object type 5 or 29) the first sampling frequency is the
 * AAC core's and a frame still holds 1024 core samples, so the core rate is the timescale; the
 * decoder doubles it on output.
 */
final class AacConfig {

    private static final int[] FREQUENCIES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050,
        16000, 12000, 11025, 8000, 7350};

    private AacConfig() {
    }

    /** esds here uses one-byte descriptor sizes; real AudioSpecificConfigs are 2 to ~10 bytes. */
    private static final int MAX_SIZE = 100;

    static AudioFormat parse(byte[] asc) {
        if (asc.length > MAX_SIZE) {
            throw new IllegalArgumentException("AudioSpecificConfig of " + asc.length + " bytes, more than " + MAX_SIZE);
        }
        try {
            BitReader r = new BitReader(asc, 0, asc.length);
            int objectType = objectType(r);
            int rate = frequency(r);
            int channels = r.u(4);
            int coreType = objectType;
            if (objectType == 5 || objectType == 29) {
                frequency(r); // extensionSamplingFrequency
                coreType = objectType(r);
            }
            int frameSamples = 1024;
            // GASpecificConfig starts with frameLengthFlag for the GA object types (1.6.2.1, 4.4.1).
            if (coreType == 1 || coreType == 2 || coreType == 3 || coreType == 4 || coreType == 6
                    || coreType == 7 || coreType == 17 || coreType == 19 || coreType == 20 || coreType == 21
                    || coreType == 22 || coreType == 23) {
                frameSamples = r.flag() ? 960 : 1024;
            }
            if (rate <= 0) {
                throw new IllegalArgumentException("AudioSpecificConfig with sampling frequency " + rate);
            }
            return new AudioFormat("mp4a", asc.clone(), "mp4a.40." + objectType, rate, channels, frameSamples);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("AudioSpecificConfig of " + asc.length + " bytes is cut short", e);
        }
    }

    private static int objectType(BitReader r) {
        int type = r.u(5);
        return type == 31 ? 32 + r.u(6) : type;
    }

    private static int frequency(BitReader r) {
        int index = r.u(4);
        if (index == 15) {
            return r.u(24);
        }
        return index < FREQUENCIES.length ? FREQUENCIES[index] : 0;
    }
}
