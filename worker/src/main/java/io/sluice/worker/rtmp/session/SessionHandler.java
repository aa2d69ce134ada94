package io.sluice.worker.rtmp.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.sluice.worker.access.AccessControl;
import io.sluice.worker.access.Client;
import io.sluice.worker.access.Verdict;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.ConnectionReady;
import io.sluice.worker.net.WireSink;
import io.sluice.worker.rtmp.RtmpProtocolException;
import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.DataMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.RtmpMessage;
import io.sluice.worker.stats.WorkerCounters;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The last handler of a server connection: the NetConnection and its NetStreams. Commands are
 * handled by {@link ConnectionCommands} and {@link StreamCommands}; media and data go to the
 * stream's publish session. Protocol errors from any layer end here: one WARN line naming the
 * problem, and the connection is closed; nothing else is affected.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);
    static final String PUBLISHER_TIMEOUT_HANDLER = "publisherTimeout";

    /** Where the session is in the NetConnection's life. */
    enum State { AWAIT_CONNECT, CONNECTED }

    final SessionSettings settings;
    final StreamRegistry registry;
    final ClusterView cluster;
    final AccessControl access;
    /** A connection on the relay endpoint: another worker of this server, playing only. */
    final boolean internal;
    final IntObjectMap<NetStream> netStreams = new IntObjectHashMap<>();
    Connection connection;
    ChannelHandlerContext ctx;
    State state = State.AWAIT_CONNECT;
    String app;
    /** Who the client is, for access checks and hooks; set by connect. */
    Client client;
    /** The connect's query arguments (from its app or tcUrl), under each publish's and play's own. */
    Map<String, String> connectArgs = Map.of();
    /** Another host of the cluster relaying (a valid relay token): served only what is published here. */
    boolean clusterRelay;
    private final AccessWait accessWait = new AccessWait(this);
    private final ConnectionCommands connectionCommands = new ConnectionCommands(this);
    private final StreamCommands streamCommands = new StreamCommands(this);
    private boolean wrote;
    private boolean warnedStrayMedia;
    /** The connection is being closed for a reason already logged: one WARN line per connection. */
    private boolean closing;
    private IdleTimeout idleTimeout;
    private WireSink sink;

    StreamCommands streamCommands() {
        return streamCommands;
    }

    public SessionHandler(SessionSettings settings, StreamRegistry registry) {
        this(settings, registry, ClusterView.STANDALONE, false);
    }

    public SessionHandler(SessionSettings settings, StreamRegistry registry, ClusterView cluster,
                          boolean internal) {
        this(settings, registry, cluster, internal, AccessControl.open());
    }

    /** @param access who may connect, publish and play (the relay endpoint's connections are not asked) */
    public SessionHandler(SessionSettings settings, StreamRegistry registry, ClusterView cluster,
                          boolean internal, AccessControl access) {
        this.settings = settings;
        this.registry = registry;
        this.cluster = cluster;
        this.internal = internal;
        this.access = access;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connection = Connection.of(ctx.channel());
        this.idleTimeout = new IdleTimeout(ctx, connection, settings.idleTimeout());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ConnectionReady) {
            // The handshake is done (it logged how): from now on the connection must do something.
            idleTimeout.arm();
        } else if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            log.warn("publisher silent for {} ms, closing [conn:{}, remote:{}, stream:{}]",
                    settings.publisherTimeout().toMillis(), connection.id(), connection.remote(), connection.stream());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (accessWait.hold(msg)) {
            return;
        }
        try {
            if (msg instanceof CommandMessage command) {
                onCommand(command);
            } else if (msg instanceof MediaMessage media) {
                // onMedia owns it from here, also when it throws: releasing it again below made
                // media before connect an IllegalReferenceCountException instead of a protocol
                // error (found by RtmpPipelineFuzzTest).
                msg = null;
                onMedia(media);
            } else if (msg instanceof DataMessage data) {
                onData(data);
            } else if (msg instanceof RtmpMessage other) {
                log.debug("ignoring {} [conn:{}]", other, connection.id());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onCommand(CommandMessage command) {
        if (state != State.CONNECTED && !"connect".equals(command.name())) {
            throw new RtmpProtocolException("'" + command.name() + "' before connect");
        }
        log.debug("command {} [conn:{}, stream:{}, txn:{}]", command.name(), connection.id(), command.streamId(),
                command.transactionId());
        if (!connectionCommands.handle(command) && !streamCommands.handle(command)) {
            write(Status.callFailed(command.transactionId(), "Method not found (" + command.name() + ")."));
        }
    }

    private void onMedia(MediaMessage media) {
        NetStream ns = netStreams.get(media.streamId());
        if (state != State.CONNECTED) {
            media.release();
            throw new RtmpProtocolException("media before connect");
        }
        if (ns == null || ns.publishing == null) {
            media.release();
            if (!warnedStrayMedia) {
                warnedStrayMedia = true;
                log.warn("media on stream {}, which is not publishing, ignored [conn:{}, remote:{}]",
                        media.streamId(), connection.id(), connection.remote());
            }
            return;
        }
        ns.publishing.onMedia(media);
    }

    private void onData(DataMessage data) {
        if (state != State.CONNECTED) {
            throw new RtmpProtocolException("data message before connect");
        }
        NetStream ns = netStreams.get(data.streamId());
        if (ns != null && ns.publishing != null) {
            ns.publishing.onData(data);
        } else {
            log.debug("ignoring data message {} outside a publish [conn:{}]", data.name(), connection.id());
        }
    }

    /**
     * Runs {@code then} with the access decision {@code verdict}: at once when it is already made,
     * else on this connection's loop once it arrives, reading paused meanwhile ({@link AccessWait}).
     */
    void decide(CompletableFuture<Verdict> verdict, Consumer<Verdict> then) {
        accessWait.decide(verdict, then);
    }

    /** Whether the connection is being closed for a reason already logged. */
    boolean closing() {
        return closing;
    }

    /** Flushes what the session wrote since the last flush (replies to held messages). */
    void flushIfWritten() {
        if (wrote) {
            wrote = false;
            ctx.flush();
        }
    }

    /** Sets what the connection does; one that neither publishes nor plays is closed when idle too long. */
    void role(Connection.Role role, String stream) {
        connection.role(role, stream);
        if (role == Connection.Role.IDLE || role == Connection.Role.CONNECTING) {
            idleTimeout.arm();
        } else {
            idleTimeout.disarm();
        }
    }

    /**
     * Where players' media goes: the sink the pipeline's builder made, or, in a pipeline built
     * without one, a sink at this handler (through every outbound handler, never direct).
     */
    WireSink sink() {
        if (sink == null) {
            WireSink built = connection.sink();
            sink = built != null ? built : WireSink.at(ctx);
        }
        return sink;
    }

    /** Writes a reply; flushed at the end of the read batch. */
    void write(Object message) {
        ctx.write(message, ctx.voidPromise());
        wrote = true;
    }

    /** Sends an error status and closes once it is written (refused publish, bad name). */
    void refuseAndClose(CommandMessage status, String why) {
        closing = true;
        if (!status.arguments().isEmpty() && status.arguments().get(0) instanceof Map<?, ?> info
                && info.get("code") instanceof String code) {
            WorkerCounters.refused(code);
        }
        why = why.endsWith(".") ? why.substring(0, why.length() - 1) : why; // descriptions end with one
        log.warn("{}, closing [conn:{}, remote:{}]", why, connection.id(), connection.remote());
        ctx.writeAndFlush(status).addListener(f -> ctx.channel().close());
        wrote = false;
    }

    void startPublisherTimeout() {
        long ms = settings.publisherTimeout().toMillis();
        if (ms > 0 && ctx.pipeline().get(PUBLISHER_TIMEOUT_HANDLER) == null) {
            ctx.pipeline().addBefore(ctx.name(), PUBLISHER_TIMEOUT_HANDLER,
                    new IdleStateHandler(ms, 0, 0, TimeUnit.MILLISECONDS));
        }
    }

    void stopPublisherTimeoutIfIdle() {
        for (NetStream ns : netStreams.values()) {
            if (ns.publishing != null) {
                return;
            }
        }
        if (ctx.pipeline().get(PUBLISHER_TIMEOUT_HANDLER) != null) {
            ctx.pipeline().remove(PUBLISHER_TIMEOUT_HANDLER);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (wrote) {
            wrote = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        for (NetStream ns : netStreams.values()) {
            if (ns.playing != null) {
                ns.playing.writabilityChanged(writable);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (NetStream ns : netStreams.values()) {
            streamCommands.stop(ns);
        }
        netStreams.clear();
        accessWait.releaseHeld();
        idleTimeout.disarm();
        log.debug("connection closed [conn:{}, remote:{}, in:{}, out:{}]", connection.id(), connection.remote(),
                connection.bytesIn(), connection.bytesOut());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable problem = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (closing || !ctx.channel().isActive()) {
            // Input read in the same batch after the first error, or after the peer left.
            log.debug("after close [conn:{}, remote:{}]: {}", connection.id(), connection.remote(), problem.toString());
        } else if (problem instanceof RtmpProtocolException) {
            WorkerCounters.protocolError();
            log.warn("protocol error, closing [conn:{}, remote:{}]: {}", connection.id(), connection.remote(),
                    problem.getMessage());
        } else if (problem instanceof IOException) {
            log.debug("connection error [conn:{}, remote:{}]: {}", connection.id(), connection.remote(),
                    problem.toString());
        } else {
            log.warn("unexpected error, closing [conn:{}, remote:{}]", connection.id(), connection.remote(), problem);
        }
        closing = true;
        ctx.close();
    }

    /** A message stream created by createStream, and what it does. */
    static final class NetStream {
        final int id;
        PublishSession publishing;
        PlaySession playing;
        /** The query arguments the publish or play was admitted with, for its done-hook. */
        Map<String, String> args = Map.of();
        /** The admission of the current publish or play, given back when it stops. */
        Verdict.Allowed admitted;

        NetStream(int id) {
            this.id = id;
        }
    }
}
