package io.sluice.worker.stream;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.media.MediaTagReader;

/**
 * Makes {@link MediaFrame}s outside a live stream, for tests of what consumes them (muxers): the
 * tag is what {@link MediaTagReader} reads from the payload, as a live stream would make it.
 */
public final class TestFrames {

    private TestFrames() {
    }

    /** A frame owning {@code payload}; release it when done. */
    public static MediaFrame video(long timestamp, ByteBuf payload) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, timestamp, MediaTagReader.inspectVideo(payload), false, payload);
    }

    /** A frame owning {@code payload}; release it when done. */
    public static MediaFrame audio(long timestamp, ByteBuf payload) {
        return new MediaFrame(MediaFrame.Kind.AUDIO, timestamp, MediaTagReader.inspectAudio(payload), false, payload);
    }
}
