package io.sluice.worker.hls.fmp4;

import io.netty.buffer.ByteBuf;

/**
 * Reads the Opus identification header ({@code OpusHead}, RFC 7845 5.1) that RTMP carries as the
 * sequence start, writes its {@code dOps} form (Encapsulation of Opus in ISO BMFF, 4.3.2: the
 * same fields, big-endian, without the magic), and tells packet durations from the TOC byte
 * (RFC 6716 3.1). Opus always runs at 48 kHz in ISO BMFF.
 */
final class OpusConfig {

    static final int SAMPLE_RATE = 48000;
    private static final int HEAD_SIZE = 19;

    private OpusConfig() {
    }

    static AudioFormat parse(byte[] head) {
        if (head.length < HEAD_SIZE || head[0] != 'O' || head[1] != 'p' || head[2] != 'u' || head[3] != 's'
                || head[4] != 'H' || head[5] != 'e' || head[6] != 'a' || head[7] != 'd') {
            throw new IllegalArgumentException("Opus sequence start of " + head.length + " bytes is no OpusHead");
        }
        int channels = head[9] & 0xff;
        int family = head[18] & 0xff;
        if (channels == 0 || (family != 0 && head.length < HEAD_SIZE + 2 + channels)) {
            throw new IllegalArgumentException("OpusHead with " + channels + " channels, mapping family "
                    + family + " in " + head.length + " bytes");
        }
        return new AudioFormat("Opus", head.clone(), "opus", SAMPLE_RATE, channels, 0);
    }

    /** The {@code dOps} box body for an OpusHead. */
    static byte[] dOps(byte[] head) {
        int family = head[18] & 0xff;
        int channels = head[9] & 0xff;
        int size = 11 + (family != 0 ? 2 + channels : 0);
        byte[] d = new byte[size];
        d[0] = 0; // Version
        d[1] = head[9]; // OutputChannelCount
        d[2] = head[11]; // PreSkip, little-endian in OpusHead, big-endian here
        d[3] = head[10];
        d[4] = head[15]; // InputSampleRate
        d[5] = head[14];
        d[6] = head[13];
        d[7] = head[12];
        d[8] = head[17]; // OutputGain
        d[9] = head[16];
        d[10] = head[18]; // ChannelMappingFamily
        if (family != 0) {
            System.arraycopy(head, 19, d, 11, 2 + channels); // StreamCount, CoupledCount, ChannelMapping
        }
        return d;
    }

    /** Samples at 48 kHz in the Opus packet at {@code offset}; 0 when it is empty or malformed. */
    static int packetSamples(ByteBuf payload, int offset) {
        if (payload.writerIndex() - offset < 1) {
            return 0;
        }
        int toc = payload.getUnsignedByte(offset);
        int config = toc >> 3;
        int frame; // in units of 2.5 ms = 120 samples
        if (config < 12) {
            frame = new int[] {4, 8, 16, 24}[config & 3]; // SILK: 10, 20, 40, 60 ms
        } else if (config < 16) {
            frame = (config & 1) == 0 ? 4 : 8; // Hybrid: 10, 20 ms
        } else {
            frame = 1 << (config & 3); // CELT: 2.5, 5, 10, 20 ms
        }
        int frames = switch (toc & 3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> payload.writerIndex() - offset < 2 ? 0 : payload.getUnsignedByte(offset + 1) & 0x3f;
        };
        return frames * frame * 120;
    }
}
