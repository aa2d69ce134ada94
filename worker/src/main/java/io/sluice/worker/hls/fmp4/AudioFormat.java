package io.sluice.worker.hls.fmp4;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.media.AacConfig;

/**
 * An audio track's codec configuration, as the init segment and the playlist need it.
 *
 * @param codec         sample entry type: {@code mp4a} (AAC) or {@code Opus}
 * @param configuration AudioSpecificConfig (for {@code esds}) or the Opus identification header
 *                      ({@code OpusHead}, turned into {@code dOps})
 * @param codecs        RFC 6381 codecs parameter: {@code mp4a.40.N} or {@code opus}
 * @param sampleRate    the track's timescale: the AAC sampling frequency, 48000 for Opus
 * @param channels      channel count
 * @param frameSamples  samples per AAC frame (1024 or 960); 0 for Opus, whose packets say it
 */
record AudioFormat(String codec, byte[] configuration, String codecs, int sampleRate, int channels,
                   int frameSamples) {

    /** The format of {@code record} for {@code codec}; null for a codec this package does not carry. */
    static AudioFormat of(String codec, byte[] record) {
        return switch (codec) {
            case "mp4a" -> {
                AacConfig aac = AacConfig.parse(record);
                yield new AudioFormat("mp4a", aac.config(), aac.codecs(), aac.sampleRate(), aac.channelConfig(),
                        aac.frameSamples());
            }
            case "Opus" -> OpusConfig.parse(record);
            default -> null;
        };
    }

    /**
     * How many samples (at {@link #sampleRate}) the coded frame at {@code offset} lasts; 0 when
     * its own header cannot tell.
     */
    int duration(ByteBuf payload, int offset) {
        if (frameSamples > 0) {
            return frameSamples;
        }
        return OpusConfig.packetSamples(payload, offset);
    }
}
