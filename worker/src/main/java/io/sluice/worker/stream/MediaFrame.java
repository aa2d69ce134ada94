package io.sluice.worker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.PacketType;

/**
 * One message of a live stream as every subscriber receives it: the publisher's payload
 * untouched, the stream's (monotonic) timestamp, what the codec inspection found, and its
 * encodings for the wire ({@link #encoded}), each made once and shared by every subscriber that
 * needs it instead of encoding or copying per player.
 *
 * <p>Reference counted: the stream, the GOP cache and each fan-out queue hold one reference
 * each; the payload and the encodings are released with the last one.
 */
public final class MediaFrame extends AbstractReferenceCounted {

    /** What a frame carries. */
    public enum Kind { AUDIO, VIDEO, DATA }

    private final Kind kind;
    private final long timestamp;
    private final MediaTag tag;
    private final boolean metadata;
    private final ByteBuf payload;
    /**
     * The encodings made so far, newest first; usually just the one made on the publisher's
     * thread, which most players ask for. A handful at most, so a list beats a map; written under
     * the frame's lock, read without it.
     */
    private volatile Encoded encodings;

    MediaFrame(Kind kind, long timestamp, MediaTag tag, boolean metadata, ByteBuf payload) {
        this.kind = kind;
        this.timestamp = timestamp;
        this.tag = tag;
        this.metadata = metadata;
        this.payload = payload;
    }

    public Kind kind() {
        return kind;
    }

    /** Timestamp on the stream's timeline, milliseconds, never lower than an earlier one of the same kind. */
    public long timestamp() {
        return timestamp;
    }

    /** Codec inspection result; null for data frames. */
    public MediaTag tag() {
        return tag;
    }

    /** The message body as the publisher sent it (FLV tag body, or AMF for data). Do not release. */
    public ByteBuf payload() {
        return payload;
    }

    /**
     * This frame in {@code encoding}, made on the first call for it in this worker and the same
     * buffer for every later one, from any thread. Shared: write {@code retainedDuplicate()} (or
     * keep a {@code retain()} without touching its indexes); do not release it, it goes with the
     * frame. Call only while holding a reference to the frame.
     */
    public ByteBuf encoded(FrameEncoding encoding) {
        for (Encoded e = encodings; e != null; e = e.next()) {
            if (e.encoding() == encoding || e.encoding().equals(encoding)) {
                return e.bytes();
            }
        }
        return encodeOnce(encoding);
    }

    /** Fan-out groups on several loops may ask at once: the lock makes each encoding once. */
    private synchronized ByteBuf encodeOnce(FrameEncoding encoding) {
        Encoded first = encodings;
        for (Encoded e = first; e != null; e = e.next()) {
            if (e.encoding().equals(encoding)) {
                return e.bytes();
            }
        }
        ByteBuf bytes = encoding.encode(this);
        encodings = new Encoded(encoding, bytes, first);
        return bytes;
    }

    /** One encoding of the frame, immutable: published whole by the volatile write of the list's head. */
    private record Encoded(FrameEncoding encoding, ByteBuf bytes, Encoded next) {
    }

    /** The stream's onMetaData. */
    public boolean isMetadata() {
        return metadata;
    }

    public boolean isVideo() {
        return kind == Kind.VIDEO;
    }

    /** A coded video key frame: a player may start here. */
    public boolean isKeyframe() {
        return tag != null && kind == Kind.VIDEO && tag.keyframe();
    }

    /** A codec configuration record (AVC/HEVC/AV1 decoder config, AAC AudioSpecificConfig, ...). */
    public boolean isSequenceHeader() {
        return tag != null && tag.sequenceHeader();
    }

    /**
     * Configuration a decoder needs before any frame: sequence headers, and the Enhanced RTMP
     * packets that stand beside them (audio channel layout, video HDR metadata). A new player
     * gets the latest of each before the GOP.
     */
    public boolean isConfiguration() {
        return tag != null && (tag.sequenceHeader() || tag.packetType() == PacketType.MULTICHANNEL_CONFIG
                || tag.packetType() == PacketType.METADATA);
    }

    /** An inter video frame a slow player may skip until the next key frame. */
    public boolean isDroppable() {
        return tag != null && tag.droppable();
    }

    public int size() {
        return payload.readableBytes();
    }

    @Override
    public MediaFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public MediaFrame touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    protected void deallocate() {
        payload.release();
        for (Encoded e = encodings; e != null; e = e.next()) {
            e.bytes().release();
        }
        encodings = null;
    }

    @Override
    public String toString() {
        return "MediaFrame[" + kind + ", ts=" + timestamp + ", size=" + payload.readableBytes()
                + (isKeyframe() ? ", key" : "") + (isSequenceHeader() ? ", seqhdr" : "") + ']';
    }
}
