/**
 * MPEG-2 transport stream (ISO/IEC 13818-1) for HLS segments, on Netty {@code ByteBuf}s: PAT and
 * PMT, PES packets with PTS/DTS, PCR, continuity counters ({@link io.sluice.worker.hls.ts.TsMuxer});
 * H.264 turned from the AVCC form RTMP carries into Annex B ({@link io.sluice.worker.hls.ts.AnnexBWriter});
 * AAC framed as ADTS ({@link io.sluice.worker.hls.ts.AdtsWriter}). The codec configurations are
 * read by {@code media}, shared with the fMP4 muxer. Knows no stream, no file and no
 * playlist.
 */
package io.sluice.worker.hls.ts;
