package io.sluice.bench;

import io.sluice.worker.rtmp.chunk.PayloadPolicy;

/**
 * What a measuring player keeps of an audio or video message: enough to measure delivery
 * (timestamp, size) and to tell key frames and sequence headers apart (the first two payload
 * bytes). The client's chunk decoder skims these messages with {@link #SKIM}: their payloads are
 * counted and dropped, never copied, which keeps thousands of players cheap.
 *
 * @param head the first two payload bytes as {@code (b0 << 8) | b1}, or -1 for a shorter payload
 */
public record MediaSummary(int chunkStreamId, long timestamp, int typeId, int streamId, int length, int head) {

    static final int AUDIO = 8;
    static final int VIDEO = 9;

    /** Skips the payloads of audio and video messages; everything else is decoded as usual. */
    public static final PayloadPolicy SKIM = new PayloadPolicy() {
        @Override
        public boolean skip(int typeId) {
            return typeId == AUDIO || typeId == VIDEO;
        }

        @Override
        public Object skipped(int chunkStreamId, long timestamp, int typeId, int streamId, int length, int head) {
            return new MediaSummary(chunkStreamId, timestamp, typeId, streamId, length, head);
        }
    };
}
