package io.sluice.worker.http.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.media.FlvTag;
import io.sluice.worker.media.FlvWriter;
import io.sluice.worker.stream.FrameEncoding;
import io.sluice.worker.stream.MediaFrame;

import java.nio.charset.StandardCharsets;

/**
 * A frame as HTTP-FLV and WebSocket-FLV players receive it: one FLV tag (Adobe FLV spec v10.1,
 * annex E.4: an 11-byte header, the body as the publisher sent it, the 4-byte PreviousTagSize),
 * wrapped in the transport's own framing so that the bytes can go to the socket as they are: an
 * HTTP/1.1 chunk (RFC 9112, 7.1), a WebSocket binary frame (RFC 6455, 5.2; a server's frames are
 * not masked, so they are the same for every client), or nothing (HTTP/1.0, body until close).
 * Made once per frame and worker for each framing and shared by all such players.
 *
 * <p>The tag's timestamp is the stream's, the same for every player (what makes the bytes
 * shareable): the stream's timeline never goes backwards, across a republish too.
 *
 * @param framing what wraps each tag
 */
public record FlvTags(Framing framing) implements FrameEncoding {

    /** How the transport frames the FLV bytes. */
    public enum Framing { NONE, HTTP_CHUNK, WEBSOCKET }

    public static final FlvTags PLAIN = new FlvTags(Framing.NONE);
    public static final FlvTags CHUNKED = new FlvTags(Framing.HTTP_CHUNK);
    public static final FlvTags WEBSOCKET = new FlvTags(Framing.WEBSOCKET);

    private static final int TAG_HEADER_SIZE = 11;
    private static final byte[] CRLF = {'\r', '\n'};
    /** FIN and opcode 2 (binary): every FLV message is one whole frame. */
    private static final int WS_BINARY_FIN = 0x82;

    public FlvTags {
        if (framing == null) {
            throw new IllegalArgumentException("framing");
        }
    }

    /** The shared instance for {@code framing}, so a frame's cache finds it by identity. */
    public static FlvTags of(Framing framing) {
        return switch (framing) {
            case NONE -> PLAIN;
            case HTTP_CHUNK -> CHUNKED;
            case WEBSOCKET -> WEBSOCKET;
        };
    }

    @Override
    public ByteBuf encode(MediaFrame frame) {
        ByteBuf payload = frame.payload();
        int size = payload.readableBytes();
        if (size > FlvWriter.MAX_PAYLOAD) {
            // Cannot happen with RTMP input (a message length is 24 bits too); checked all the same.
            throw new IllegalArgumentException("FLV tag body of " + size + " bytes exceeds " + FlvWriter.MAX_PAYLOAD);
        }
        int tagSize = TAG_HEADER_SIZE + size + 4;
        ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(tagSize + 20);
        openFrame(out, tagSize);
        long ts = frame.timestamp();
        out.writeByte(type(frame.kind()));
        out.writeMedium(size);
        out.writeMedium((int) (ts & 0xff_ffff));
        out.writeByte((int) (ts >>> 24) & 0xff); // TimestampExtended
        out.writeMedium(0);                       // StreamID, always 0
        out.writeBytes(payload, payload.readerIndex(), size);
        out.writeInt(TAG_HEADER_SIZE + size);     // PreviousTagSize
        closeFrame(out);
        return out;
    }

    /**
     * The 9-byte FLV header and PreviousTagSize0 in this framing: what a player gets before its
     * first tag. The flags announce only the tracks the stream has: a header that promises audio
     * that never comes makes browser players (mpegts.js) wait for it and show nothing.
     */
    public ByteBuf header(ByteBufAllocator alloc, boolean audio, boolean video) {
        ByteBuf out = alloc.buffer(13 + 20);
        openFrame(out, 13);
        out.writeBytes(new byte[] {'F', 'L', 'V', 1});
        out.writeByte((audio ? 0x04 : 0) | (video ? 0x01 : 0));
        out.writeInt(9);  // DataOffset: the header's own size
        out.writeInt(0);  // PreviousTagSize0
        closeFrame(out);
        return out;
    }

    private void openFrame(ByteBuf out, int length) {
        switch (framing) {
            case NONE -> {
            }
            case HTTP_CHUNK -> {
                out.writeCharSequence(Integer.toHexString(length), StandardCharsets.US_ASCII);
                out.writeBytes(CRLF);
            }
            case WEBSOCKET -> {
                out.writeByte(WS_BINARY_FIN);
                if (length < 126) {
                    out.writeByte(length);
                } else if (length <= 0xffff) {
                    out.writeByte(126);
                    out.writeShort(length);
                } else {
                    out.writeByte(127);
                    out.writeLong(length);
                }
            }
            default -> throw new IllegalStateException(framing.name());
        }
    }

    private void closeFrame(ByteBuf out) {
        if (framing == Framing.HTTP_CHUNK) {
            out.writeBytes(CRLF);
        }
    }

    private static int type(MediaFrame.Kind kind) {
        return switch (kind) {
            case AUDIO -> FlvTag.AUDIO;
            case VIDEO -> FlvTag.VIDEO;
            case DATA -> FlvTag.SCRIPT;
        };
    }
}
