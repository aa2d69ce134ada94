package io.sluice.worker.hls.fmp4;

import io.sluice.worker.media.AvcConfig;

/**
 * A video track's codec configuration, as the init segment and the playlist need it.
 *
 * @param codec         sample entry type: {@code avc1}, {@code hvc1} or {@code av01}
 * @param configuration the decoder configuration record as the publisher sent it
 *                      (AVCDecoderConfigurationRecord, HEVCDecoderConfigurationRecord or
 *                      AV1CodecConfigurationRecord), copied into {@code avcC}/{@code hvcC}/{@code av1C}
 * @param codecs        RFC 6381 codecs parameter, e.g. {@code avc1.64001F}
 * @param width         picture width in pixels from the sequence parameter set, 0 if unknown
 * @param height        picture height in pixels, 0 if unknown
 */
record VideoFormat(String codec, byte[] configuration, String codecs, int width, int height) {

    /** The format of {@code record} for {@code codec}; null for a codec this package does not carry. */
    static VideoFormat of(String codec, byte[] record) {
        return switch (codec) {
            case "avc1" -> {
                AvcConfig avc = AvcConfig.parse(record);
                yield new VideoFormat("avc1", avc.record(), avc.codecs(), avc.width(), avc.height());
            }
            case "hvc1" -> HevcConfig.parse(record);
            case "av01" -> Av1Config.parse(record);
            default -> null;
        };
    }
}
