package io.sluice.worker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.sluice.common.protocol.WorkerDump;
import io.sluice.common.protocol.WorkerLoad;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.net.ConnectionLimits;
import io.sluice.worker.net.Connection;
import io.sluice.worker.rtmp.chunk.IncompleteMessageBudget;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.worker.rtmp.session.RtmpChunks;
import io.sluice.worker.rtmp.server.RtmpServerInitializer;
import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.StreamDirectory;
import io.sluice.worker.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The RTMP listener of one worker: Netty's native epoll transport, the port bound with
 * {@code SO_REUSEPORT} so that every worker process binds it and the kernel spreads incoming
 * connections over them.
 */
public final class RtmpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RtmpServer.class);

    private final EventLoopGroup group;
    private final StreamRegistry registry;
    private final AtomicReference<SessionSettings> settings;
    private final int threads;
    /** Every open RTMP connection: for load figures, kicking a client and closing them all. */
    private final ChannelGroup connections = new DefaultChannelGroup("rtmp", ImmediateEventExecutor.INSTANCE);
    private final LongAdder closedBytesIn = new LongAdder();
    private final LongAdder closedBytesOut = new LongAdder();
    private final ConnectionLimits limits;
    private final IncompleteMessageBudget budget;
    private volatile boolean draining;
    /** What every frame is encoded in on the publisher's thread: RTMP chunks at rtmp.chunk_size. */
    private volatile RtmpChunks chunks;
    private volatile StreamDirectory directory = StreamDirectory.LOCAL;
    private Channel listener;
    private Channel relayEndpoint;

    public RtmpServer(int threads, SessionSettings sessionSettings, GopSettings gopSettings) {
        requireEpoll();
        this.threads = threads;
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("rtmp"),
                EpollIoHandler.newFactory());
        this.settings = new AtomicReference<>(sessionSettings);
        this.limits = new ConnectionLimits(sessionSettings.maxConnections(), sessionSettings.maxConnectionsPerIp());
        this.budget = new IncompleteMessageBudget(sessionSettings.incompleteMessageBudget());
        this.registry = new StreamRegistry(gopSettings);
        this.chunks = new RtmpChunks(sessionSettings.chunkSize());
        registry.encodeEagerly(() -> chunks);
    }

    /** Fails with the reason and what to do when the native epoll transport cannot load. */
    public static void requireEpoll() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's native epoll transport is not available ("
                    + Epoll.unavailabilityCause() + "); Sluice needs Linux on x86_64 or aarch64 with the"
                    + " netty-transport-native-epoll jar for that architecture on the classpath",
                    Epoll.unavailabilityCause());
        }
    }

    /** Binds the listener; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress bind(String host, int port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(EpollChannelOption.TCP_QUICKACK, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        track(ch);
                        ch.pipeline().addLast(new RtmpServerInitializer(settings::get, registry, directory, limits,
                                budget, false));
                    }
                });
        listener = b.bind(host, port).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        log.info("RTMP listening on {}:{} (SO_REUSEPORT, epoll, {} event loop threads)", host, bound.getPort(),
                threads);
        return bound;
    }

    /** The cluster's stream directory (claims, relays); set before binding. */
    public void directory(StreamDirectory directory) {
        this.directory = directory;
    }

    /**
     * Binds the relay endpoint: RTMP over a Unix socket that other workers of this server play
     * streams from. The socket lives in the 0700 run directory, and a connection from another
     * user (peer credentials) is refused as well; there is no TCP port for it.
     */
    public void bindRelayEndpoint(Path socket) throws InterruptedException, IOException {
        Files.deleteIfExists(socket);
        int ownUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) throws IOException {
                        int uid = ((EpollDomainSocketChannel) ch).peerCredentials().uid();
                        if (uid != ownUid) {
                            log.warn("relay endpoint: refused a connection from uid {} (only uid {} may relay)", uid, ownUid);
                            ch.close();
                            return;
                        }
                        track(ch);
                        ch.pipeline().addLast(new RtmpServerInitializer(settings::get, registry, directory, null,
                                budget, true));
                    }
                });
        relayEndpoint = b.bind(new DomainSocketAddress(socket.toString())).sync().channel();
        log.debug("relay endpoint listening on {}", socket);
    }

    private void track(Channel ch) {
        connections.add(ch);
        ch.closeFuture().addListener(f -> {
            Connection c = ch.attr(Connection.KEY).get();
            if (c != null) {
                closedBytesIn.add(c.bytesIn());
                closedBytesOut.add(c.bytesOut());
            }
        });
    }

    /** Load figures for the heartbeat. */
    public WorkerLoad load() {
        int publishers = 0;
        int players = 0;
        long in = closedBytesIn.sum();
        long out = closedBytesOut.sum();
        for (Channel ch : connections) {
            Connection c = ch.attr(Connection.KEY).get();
            if (c == null) {
                continue;
            }
            in += c.bytesIn();
            out += c.bytesOut();
            if (c.role() == Connection.Role.PUBLISHER) {
                publishers++;
            } else if (c.role() == Connection.Role.PLAYER) {
                players++;
            }
        }
        Runtime rt = Runtime.getRuntime();
        return new WorkerLoad(connections.size(), publishers, players, registry.size(), in, out,
                rt.totalMemory() - rt.freeMemory(), draining, limits.refusedCount(), limits.admittedCount());
    }

    /** Streams and client sessions, for {@code worker.dump}. */
    public WorkerDump dump() {
        List<WorkerDump.ClientInfo> clients = new ArrayList<>();
        Map<String, Integer> players = new HashMap<>();
        for (Channel ch : connections) {
            Connection c = ch.attr(Connection.KEY).get();
            if (c == null) {
                continue;
            }
            clients.add(new WorkerDump.ClientInfo(c.id(), c.remote(), c.role().name().toLowerCase(Locale.ROOT),
                    c.stream(), c.bytesIn(), c.bytesOut(), c.startedAtMillis()));
            if (c.role() == Connection.Role.PLAYER && c.stream() != null) {
                players.merge(c.stream(), 1, Integer::sum);
            }
        }
        List<WorkerDump.StreamInfo> streams = new ArrayList<>();
        for (LiveStream stream : registry.all()) {
            LiveStream.StreamStats st = stream.stats();
            streams.add(new WorkerDump.StreamInfo(st.key().app(), st.key().name(), st.publisherOrigin(),
                    players.getOrDefault(st.key().toString(), 0), st.bytesIn(), st.publishedAtMillis(),
                    st.videoCodec(), st.audioCodec()));
        }
        return new WorkerDump(streams, clients);
    }

    /** Closes the client session with this id ({@code bin/ctl kick}); false when there is none. */
    public boolean kick(String clientId) {
        for (Channel ch : connections) {
            Connection c = ch.attr(Connection.KEY).get();
            if (c != null && c.id().equals(clientId)) {
                log.info("kicking client [conn:{}, remote:{}, role:{}, stream:{}]", c.id(), c.remote(),
                        c.role(), c.stream());
                ch.close();
                return true;
            }
        }
        return false;
    }

    /** The open connections (read-only use). */
    public Iterable<Channel> connections() {
        return connections;
    }

    public StreamRegistry registry() {
        return registry;
    }

    public EventLoopGroup group() {
        return group;
    }

    /**
     * New sessions use these settings from now on; GOP settings, connection limits and the
     * incomplete-message budget apply at once.
     */
    public void updateSettings(SessionSettings sessionSettings, GopSettings gopSettings) {
        settings.set(sessionSettings);
        chunks = new RtmpChunks(sessionSettings.chunkSize());
        limits.update(sessionSettings.maxConnections(), sessionSettings.maxConnectionsPerIp());
        budget.limit(sessionSettings.incompleteMessageBudget());
        registry.updateGopSettings(gopSettings);
    }

    /**
     * This worker's share of the server-wide connection limit (the master computes it from the
     * heartbeat counts of all workers); 0 = no share. With {@code rtmp.max_connections} the lower
     * applies. Connections already admitted stay; new ones are refused after the handshake while
     * the worker is at its limit.
     */
    public void serverShare(int share) {
        limits.serverShare(share);
    }

    /** The worker's connection limits (admitted and refused counts). */
    public ConnectionLimits limits() {
        return limits;
    }

    /** The worker's budget for partly received messages. */
    public IncompleteMessageBudget incompleteMessageBudget() {
        return budget;
    }

    public SessionSettings settings() {
        return settings.get();
    }

    /** Stops accepting players and publishers (drain); existing sessions, and relays to others, carry on. */
    public void closeListener() {
        draining = true;
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    private void closeRelayEndpoint() {
        if (relayEndpoint != null) {
            relayEndpoint.close().syncUninterruptibly();
        }
    }

    /** Number of open connections. */
    public int connectionCount() {
        return connections.size();
    }

    /** Closes the listener and every connection, then stops the event loops. */
    @Override
    public void close() {
        closeListener();
        closeRelayEndpoint();
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
