package io.sluice.worker.rtmp.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.TrafficCountingHandler;
import io.sluice.worker.net.Transport;
import io.sluice.worker.rtmp.amf.Amf;
import io.sluice.worker.rtmp.chunk.ChunkDecoder;
import io.sluice.worker.rtmp.chunk.ChunkEncoder;
import io.sluice.worker.rtmp.chunk.PayloadPolicy;
import io.sluice.worker.rtmp.handshake.ClientHandshakeHandler;
import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.MessageDecoder;
import io.sluice.worker.rtmp.message.MessageEncoder;
import io.sluice.worker.rtmp.message.ProtocolControlHandler;
import io.sluice.worker.rtmp.message.RtmpMessage;
import io.sluice.worker.rtmp.message.SetChunkSize;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A small asynchronous RTMP client over Netty epoll, on TCP or on a Unix domain socket: connect,
 * createStream, publish or play, send and receive messages. Used by the tests, by relays between
 * workers, and by the load generator.
 *
 * <p>Every method may be called from any thread; replies complete futures on the connection's
 * event loop, and {@link ClientListener} callbacks run there too.
 */
public final class RtmpClient implements AutoCloseable {

    /** Client-side limits: generous, the server is trusted more than arbitrary peers are. */
    private static final int MAX_MESSAGE_SIZE = 64 << 20;
    private static final int MAX_CHUNK_STREAMS = 1024;

    private final Channel channel;
    private final ClientSessionHandler session;

    private RtmpClient(Channel channel, ClientSessionHandler session) {
        this.channel = channel;
        this.session = session;
    }

    /**
     * Opens a connection, completes the handshake and sends {@code connect}.
     *
     * @param address an {@code InetSocketAddress}, or a {@link DomainSocketAddress} for a relay
     * @param app     the application, e.g. "live"
     * @param tcUrl   the URL the client claims to have used, e.g. rtmp://127.0.0.1:1935/live
     */
    public static CompletableFuture<RtmpClient> connect(EventLoopGroup group, SocketAddress address, String app,
                                                        String tcUrl, ClientListener listener, Duration timeout) {
        return connect(group, address, app, tcUrl, listener, timeout, null);
    }

    /**
     * As above; messages whose payloads {@code payloads} skips reach the listener as
     * {@link ClientListener#onSkipped} without their payloads being copied (load generation).
     */
    public static CompletableFuture<RtmpClient> connect(EventLoopGroup group, SocketAddress address, String app,
                                                        String tcUrl, ClientListener listener, Duration timeout,
                                                        PayloadPolicy payloads) {
        ClientSessionHandler session = new ClientSessionHandler(listener);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(address instanceof DomainSocketAddress ? Transport.of(group).domainSocket()
                        : Transport.of(group).socket())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("traffic", new TrafficCountingHandler());
                        p.addLast("handshake", new ClientHandshakeHandler(timeout));
                        p.addLast("chunkDecoder", new ChunkDecoder(MAX_MESSAGE_SIZE, MAX_CHUNK_STREAMS, payloads));
                        p.addLast("chunkEncoder", new ChunkEncoder());
                        p.addLast("messageDecoder", new MessageDecoder());
                        p.addLast("messageEncoder", new MessageEncoder());
                        p.addLast("protocolControl", new ProtocolControlHandler());
                        p.addLast("session", session);
                    }
                });
        if (!(address instanceof DomainSocketAddress)) {
            b.option(ChannelOption.TCP_NODELAY, true);
        }
        CompletableFuture<RtmpClient> result = new CompletableFuture<>();
        ChannelFuture connecting = b.connect(address);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            RtmpClient client = new RtmpClient(connecting.channel(), session);
            session.handshakeDone()
                    .thenCompose(ignored -> client.call("connect", Amf.object(
                            "app", app, "type", "nonprivate", "flashVer", "FMLE/3.0 (compatible; Sluice)",
                            "tcUrl", tcUrl, "fpad", false, "capabilities", 15.0, "audioCodecs", 4071.0,
                            "videoCodecs", 252.0, "videoFunction", 1.0, "objectEncoding", 0.0)))
                    .whenComplete((reply, error) -> {
                        if (error != null) {
                            client.close();
                            result.completeExceptionally(error);
                        } else {
                            result.complete(client);
                        }
                    });
        });
        return result.orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .whenComplete((c, e) -> {
                    if (e != null && connecting.channel() != null) {
                        connecting.channel().close();
                    }
                });
    }

    /** Sends a command on the NetConnection and completes with its {@code _result}. */
    public CompletableFuture<CommandMessage> call(String name, Object commandObject, Object... arguments) {
        return callOn(0, name, commandObject, arguments);
    }

    private CompletableFuture<CommandMessage> callOn(int streamId, String name, Object commandObject,
                                                     Object... arguments) {
        CompletableFuture<CommandMessage> reply = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            double txn = session.expectReply(reply);
            channel.writeAndFlush(CommandMessage.of(streamId, name, txn, commandObject, arguments));
        });
        return reply;
    }

    /** createStream; completes with the new message stream id. */
    public CompletableFuture<Integer> createStream() {
        return call("createStream", null).thenApply(r -> (int) r.numberArgument(0, -1));
    }

    /**
     * Publishes on {@code streamId} (live) and completes when NetStream.Publish.Start arrives;
     * fails with {@link RtmpStatusException} on an error status (e.g. Publish.BadName).
     */
    public CompletableFuture<Map<?, ?>> publish(int streamId, String name) {
        return startAndWait(Connection.Role.PUBLISHER, name, streamId, "NetStream.Publish.Start", "publish", name,
                "live");
    }

    /** Plays live; completes when NetStream.Play.Start arrives. */
    public CompletableFuture<Map<?, ?>> play(int streamId, String name) {
        return startAndWait(Connection.Role.PLAYER, name, streamId, "NetStream.Play.Start", "play", name, -2.0);
    }

    private CompletableFuture<Map<?, ?>> startAndWait(Connection.Role role, String name, int streamId, String code,
                                                      String command, Object... args) {
        CompletableFuture<Map<?, ?>> started = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            // Set up: the traffic handler stops re-arming TCP_QUICKACK after each read, so from
            // here on this end acknowledges like any player or encoder (delayed ACKs), not once
            // per segment.
            Connection.of(channel).role(role, name);
            session.expectStart(streamId, code, started);
            channel.writeAndFlush(CommandMessage.of(streamId, command, 0, null, args));
        });
        return started;
    }

    /** Changes the chunk size we send with (Set Chunk Size; takes effect for the next chunk). */
    public void setChunkSize(int size) {
        channel.writeAndFlush(new SetChunkSize(size));
    }

    /** Writes a message without flushing; media messages are taken over (released when written). */
    public void write(RtmpMessage message) {
        channel.write(message, channel.voidPromise());
    }

    public void writeAndFlush(RtmpMessage message) {
        channel.writeAndFlush(message, channel.voidPromise());
    }

    public void flush() {
        channel.flush();
    }

    public Channel channel() {
        return channel;
    }

    public boolean isActive() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close();
    }
}
