package io.sluice.worker.rtmp.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Stands where the chunk decoder will be: records user events, and the bytes that reach it (copied,
 * then released), with the order in which both arrived.
 */
final class CaptureHandler extends ChannelInboundHandlerAdapter {

    final List<Object> events = new ArrayList<>();
    /** "event" or "bytes", in arrival order. */
    final List<String> arrivals = new ArrayList<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Consumer<ChannelHandlerContext> onHandshake;

    CaptureHandler() {
        this(ctx -> { });
    }

    /** @param onHandshake runs when {@link HandshakeCompleted} arrives, e.g. to write {@code connect} */
    CaptureHandler(Consumer<ChannelHandlerContext> onHandshake) {
        this.onHandshake = onHandshake;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            byte[] copy = new byte[buf.readableBytes()];
            buf.readBytes(copy);
            bytes.writeBytes(copy);
            arrivals.add("bytes");
        } finally {
            buf.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
        arrivals.add("event");
        if (evt instanceof HandshakeCompleted) {
            onHandshake.accept(ctx);
        }
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }
}
