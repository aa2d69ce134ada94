package io.sluice.worker.rtmp.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.ConnectionLimits;
import io.sluice.worker.rtmp.handshake.HandshakeCompleted;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Admits a client connection under the worker's {@link ConnectionLimits} when its handshake
 * completes, and removes itself; a connection over a limit is closed there and then, and what it
 * sent after C2 is dropped. Why after the handshake and not at accept: the client then sees a
 * server that closed the connection, not a network that reset it, and the handshake timeout
 * already bounds what a connection costs until then.
 */
public final class AdmissionHandler extends ChannelInboundHandlerAdapter {

    private final ConnectionLimits limits;
    private boolean refused;

    public AdmissionHandler(ConnectionLimits limits) {
        this.limits = limits;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (!(evt instanceof HandshakeCompleted)) {
            super.userEventTriggered(ctx, evt);
            return;
        }
        InetAddress address = ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        String refusal = limits.admit(address);
        if (refusal == null) {
            ctx.channel().closeFuture().addListener(f -> limits.release(address));
            ctx.pipeline().remove(this);
            ctx.fireUserEventTriggered(evt);
            return;
        }
        refused = true;
        limits.refused(Connection.of(ctx.channel()).remote(), refusal, ctx.executor());
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
