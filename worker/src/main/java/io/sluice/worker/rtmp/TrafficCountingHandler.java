package io.sluice.worker.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.EpollSocketChannel;

/**
 * First handler of an RTMP pipeline: counts the bytes that cross the socket, for
 * acknowledgements (spec 5.4.3) and per-client statistics.
 */
public final class TrafficCountingHandler extends ChannelDuplexHandler {

    private RtmpConnection connection;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = RtmpConnection.of(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            connection.addBytesIn(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        RtmpConnection.Role role = connection.role();
        if ((role == RtmpConnection.Role.CONNECTING || role == RtmpConnection.Role.IDLE)
                && ctx.channel() instanceof EpollSocketChannel epoll && epoll.isActive()) {
            // Linux leaves quick-ack mode by itself, so it is re-armed after every read while the
            // connection is set up (see RtmpServer for why).
            try {
                epoll.config().setTcpQuickAck(true);
            } catch (ChannelException closedMeanwhile) {
                // the socket went away; channelInactive follows
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            connection.addBytesOut(buf.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
