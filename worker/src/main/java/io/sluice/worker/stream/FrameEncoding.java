package io.sluice.worker.stream;

import io.netty.buffer.ByteBuf;

/**
 * One way to put a frame on the wire: RTMP chunks at a chunk size now, an FLV tag next. A frame
 * is encoded at most once per encoding in a worker ({@link MediaFrame#encoded}) and the bytes are
 * shared by every subscriber that asks for it, one reference each; the stream layer itself knows
 * no encoding.
 *
 * <p>An encoding is a value: it is also the key of a frame's cache, so two encodings that make
 * the same bytes must be {@code equals} (a {@code record} of its parameters is). It may be asked
 * from any event loop at once, so {@link #encode} must not depend on the calling thread.
 */
public interface FrameEncoding {

    /**
     * Encodes {@code frame}'s kind, timestamp and payload (read from its reader index; neither
     * the payload nor its indexes are changed).
     *
     * @return a new buffer the caller owns; never modified afterwards, since subscribers share it
     */
    ByteBuf encode(MediaFrame frame);
}
