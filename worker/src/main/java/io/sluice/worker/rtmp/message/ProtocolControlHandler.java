package io.sluice.worker.rtmp.message;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.sluice.worker.net.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol control in one place, for both ends of a connection (spec 5.4 and 6.2):
 * acknowledges received bytes each window, answers Set Peer Bandwidth with a Window
 * Acknowledgement Size when the window differs, answers Ping Request with Ping Response, and
 * swallows what the chunk layer already applied (Set Chunk Size, Abort). Everything else goes
 * up to the session.
 */
public final class ProtocolControlHandler extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(ProtocolControlHandler.class);

    private Connection connection;
    /** The peer's acknowledgement window: acknowledge each time this many more bytes arrived. */
    private long ackWindow;
    private long ackedUpTo;
    /** The last window size we announced, to answer Set Peer Bandwidth only when it changes. */
    private long announcedWindow = -1;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = Connection.of(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof SetChunkSize || msg instanceof Abort) {
            log.debug("{} [conn:{}]", msg, connection.id());
        } else if (msg instanceof Acknowledgement) {
            log.trace("{} [conn:{}]", msg, connection.id());
        } else if (msg instanceof WindowAckSize w) {
            ackWindow = w.size();
            ackedUpTo = connection.bytesIn();
        } else if (msg instanceof SetPeerBandwidth bw) {
            if (bw.size() != announcedWindow) {
                ctx.writeAndFlush(new WindowAckSize(bw.size()));
            }
        } else if (msg instanceof UserControl uc && uc.eventType() == UserControl.PING_REQUEST) {
            ctx.writeAndFlush(UserControl.pingResponse(uc.value()));
        } else if (msg instanceof UserControl uc && uc.eventType() == UserControl.PING_RESPONSE) {
            log.trace("{} [conn:{}]", msg, connection.id()); // we send no pings; a peer's answer ends here
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        long received = connection.bytesIn();
        if (ackWindow > 0 && received - ackedUpTo >= ackWindow) {
            ackedUpTo = received;
            ctx.writeAndFlush(new Acknowledgement(received));
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof WindowAckSize w) {
            announcedWindow = w.size();
        }
        ctx.write(msg, promise);
    }
}
