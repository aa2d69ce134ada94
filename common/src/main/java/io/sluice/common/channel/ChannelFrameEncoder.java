package io.sluice.common.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.TooLongFrameException;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes {@link Envelope}s as frames: a 4-byte big-endian length, then the envelope's compact
 * UTF-8 JSON. An envelope whose JSON exceeds the limit is not written (the other side would close
 * the channel on it): the write fails with a {@link TooLongFrameException} (wrapped in an
 * {@link io.netty.handler.codec.EncoderException}) naming the length and the limit.
 */
public final class ChannelFrameEncoder extends MessageToByteEncoder<Envelope> {

    private final int maxFrameLength;

    /** An encoder with the protocol's 4 MiB limit. */
    public ChannelFrameEncoder() {
        this(ChannelFrameDecoder.DEFAULT_MAX_FRAME_LENGTH);
    }

    /** An encoder refusing envelopes longer than {@code maxFrameLength} bytes of JSON. */
    public ChannelFrameEncoder(int maxFrameLength) {
        super(Envelope.class);
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Envelope envelope, ByteBuf out) throws IOException {
        int start = out.writerIndex();
        out.writeInt(0);
        // writeValue closes the stream, which leaves the buffer alone (it is not releaseOnClose).
        ChannelJson.mapper().writeValue((OutputStream) new ByteBufOutputStream(out), envelope.toJson());
        int length = out.writerIndex() - start - ChannelFrameDecoder.LENGTH_FIELD_LENGTH;
        if (length > maxFrameLength) {
            throw new TooLongFrameException("channel frame of " + length + " bytes exceeds the limit of "
                    + maxFrameLength + " bytes [" + describe(envelope) + "]");
        }
        out.setInt(start, length);
    }

    private static String describe(Envelope envelope) {
        if (envelope instanceof Request request) {
            return "request, method:" + request.method() + ", id:" + request.id();
        }
        if (envelope instanceof Response response) {
            return "response, id:" + response.id();
        }
        return "notification, event:" + ((Notification) envelope).event();
    }
}
