package io.sluice.worker.stream;

import io.netty.buffer.ByteBuf;

/**
 * Encodes a frame for the wire once per stream, so that subscribers share the bytes. The RTMP
 * layer provides the implementation (standalone type-0 chunks); the stream layer stays
 * protocol-agnostic.
 */
public interface FrameEncoder {

    /**
     * The wire format frames are encoded in now (for RTMP, the chunk size). A subscriber whose
     * connection expects another format encodes for itself instead of sharing.
     */
    int format();

    /**
     * @param format  what {@link #format()} returned for this frame
     * @param payload read from its reader index; not released, indexes unchanged
     * @return a new buffer the caller owns
     */
    ByteBuf encode(int format, MediaFrame.Kind kind, long timestamp, ByteBuf payload);
}
