/**
 * Fragmented MP4 (ISO/IEC 14496-12, CMAF-style) for HLS: an init segment ({@code ftyp} +
 * {@code moov}) made from a stream's codec configuration, then {@code moof} + {@code mdat}
 * fragments made from runs of live frames, a whole segment or a Low-Latency HLS part each
 * ({@link io.sluice.worker.hls.fmp4.Fmp4Muxer}). H.264, HEVC and AV1 video; AAC and Opus audio.
 * Knows no playlist, file or HTTP request: the segmenter above decides where fragments start and
 * end and what happens to the bytes.
 */
package io.sluice.worker.hls.fmp4;
