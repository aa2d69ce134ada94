package io.sluice.worker.rtmp.chunk;

/**
 * What a skimming {@link ChunkDecoder} reports of an audio or video message it did not keep:
 * enough to measure delivery (timestamp, size) and to tell key frames and sequence headers
 * apart (the first two payload bytes), without copying the payload.
 *
 * @param head the first two payload bytes as {@code (b0 << 8) | b1}, or -1 for a shorter payload
 */
public record MediaSummary(int chunkStreamId, long timestamp, int typeId, int streamId, int length, int head) {
}
