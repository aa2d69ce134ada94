package io.sluice.worker.rtmp.chunk;

/**
 * Which messages a {@link ChunkDecoder} keeps whole. A server keeps every message (it has no
 * policy). A client that only measures what it receives, such as the load generator in
 * {@code bench/}, may skip the payloads it does not need: their bytes are counted and dropped as
 * they arrive, never copied, and the decoder passes on whatever the policy makes of the message's
 * header and its first two payload bytes (for an FLV tag body, enough to tell a key frame or a
 * sequence header).
 */
public interface PayloadPolicy {

    /** Whether to skip the payload of the message that starts now, of this message type. */
    boolean skip(int typeId);

    /**
     * What the decoder passes on for a skipped message, in its place in the stream of messages.
     *
     * @param head the first two payload bytes as {@code (b0 << 8) | b1}, or -1 for a shorter payload
     */
    Object skipped(int chunkStreamId, long timestamp, int typeId, int streamId, int length, int head);
}
