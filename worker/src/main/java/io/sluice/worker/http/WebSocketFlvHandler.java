package io.sluice.worker.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.sluice.worker.http.flv.FlvPlayer;
import io.sluice.worker.http.flv.FlvTags;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.WireSink;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.StreamKey;
import io.sluice.worker.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The WebSocket-FLV player of one connection, after Netty's {@link WebSocketServerProtocolHandler}
 * (which answers the handshake, pings and close frames): once the handshake is complete it starts
 * the player, whose FLV bytes go out as binary frames already framed ({@link FlvTags#WEBSOCKET}),
 * below Netty's frame encoder. Whatever else the client sends is dropped: players only listen.
 *
 * <p>A name that is not published within {@code players.play_wait_timeout} gets close code 4404.
 * Any other close of ours after the handshake ({@code bin/ctl kick}, a player too slow, the
 * worker stopping) first sends close code 1001 "going away", so a page can tell the server ended
 * the stream from a network failure; it goes out if the socket takes it at once, and is not
 * waited for (a too-slow player's socket would never take it).
 */
final class WebSocketFlvHandler extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(WebSocketFlvHandler.class);
    /** Private-use close code (RFC 6455, 7.4.2) in the spirit of HTTP's 404. */
    static final int NOT_PUBLISHED = 4404;
    /** RFC 6455, 7.4.1: the server is going away (here: it ended this player). */
    static final int GOING_AWAY = 1001;

    private final StreamKey key;
    private final HttpServerSettings settings;
    private final StreamRegistry registry;
    private final ClusterView cluster;
    private FlvPlayer player;
    /** A close frame of ours went out; a close that follows it sends no second one. */
    private boolean closeSent;

    WebSocketFlvHandler(StreamKey key, HttpServerSettings settings, StreamRegistry registry, ClusterView cluster) {
        this.key = key;
        this.settings = settings;
        this.registry = registry;
        this.cluster = cluster;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete && player == null) {
            WireSink sink = WireSink.at(ctx.pipeline().context(WebSocketFrameEncoder.class));
            player = Playback.start(ctx, key, sink, FlvTags.WEBSOCKET, "ws-flv", settings, registry, cluster,
                    () -> { }, () -> {
                        closeSent = true;
                        ctx.writeAndFlush(new CloseWebSocketFrame(NOT_PUBLISHED,
                                key + " is not published (waited " + settings.playWaitTimeout().toMillis() + " ms)"))
                                .addListener(ChannelFutureListener.CLOSE);
                    });
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (player != null && !closeSent && ctx.channel().isActive()) {
            closeSent = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(GOING_AWAY, "closed by the server"));
        }
        ctx.close(promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (player != null) {
            player.writabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (player != null) {
            player.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Connection c = Connection.of(ctx.channel());
        if (cause instanceof IOException) {
            log.debug("websocket connection failed [conn:{}]: {}", c.id(), cause.toString());
        } else {
            log.warn("websocket protocol error, closing [conn:{}, remote:{}]: {}", c.id(), c.remote(),
                    cause.getMessage());
        }
        ctx.close();
    }
}
