package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtmp.RtmpProtocolException;

/**
 * User control message, type 4 (spec 6.2 and 7.1.7): a 2-byte event type, then event data.
 * Stream events carry the message stream id in {@code value}; Set Buffer Length also carries
 * the buffer length in milliseconds in {@code extra}; ping events carry a timestamp.
 */
public record UserControl(int eventType, long value, long extra) implements RtmpMessage {

    public static final int STREAM_BEGIN = 0;
    public static final int STREAM_EOF = 1;
    public static final int STREAM_DRY = 2;
    public static final int SET_BUFFER_LENGTH = 3;
    public static final int STREAM_IS_RECORDED = 4;
    public static final int PING_REQUEST = 6;
    public static final int PING_RESPONSE = 7;

    public static UserControl streamBegin(int streamId) {
        return new UserControl(STREAM_BEGIN, streamId, 0);
    }

    public static UserControl streamEof(int streamId) {
        return new UserControl(STREAM_EOF, streamId, 0);
    }

    public static UserControl streamIsRecorded(int streamId) {
        return new UserControl(STREAM_IS_RECORDED, streamId, 0);
    }

    public static UserControl setBufferLength(int streamId, long millis) {
        return new UserControl(SET_BUFFER_LENGTH, streamId, millis);
    }

    public static UserControl pingRequest(long timestamp) {
        return new UserControl(PING_REQUEST, timestamp, 0);
    }

    public static UserControl pingResponse(long timestamp) {
        return new UserControl(PING_RESPONSE, timestamp, 0);
    }

    static UserControl read(ByteBuf body) {
        ControlBodies.require(body, 2, "User Control");
        int type = body.readUnsignedShort();
        if (type == SET_BUFFER_LENGTH) {
            ControlBodies.require(body, 8, "User Control Set Buffer Length");
            return new UserControl(type, body.readUnsignedInt(), body.readUnsignedInt());
        }
        if (body.readableBytes() >= 4) {
            return new UserControl(type, body.readUnsignedInt(), 0);
        }
        if (type <= PING_RESPONSE) {
            throw new RtmpProtocolException("User Control event " + type + " without its 4-byte value");
        }
        // Events outside the spec (Flash's 31/32 buffer empty/ready) may carry anything.
        body.skipBytes(body.readableBytes());
        return new UserControl(type, 0, 0);
    }

    void write(ByteBuf out) {
        out.writeShort(eventType);
        out.writeInt((int) value);
        if (eventType == SET_BUFFER_LENGTH) {
            out.writeInt((int) extra);
        }
    }
}
