package io.sluice.worker.runtime;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.config.TransportChoice;
import io.sluice.common.protocol.WorkerDump;
import io.sluice.common.protocol.WorkerCounts;
import io.sluice.common.protocol.WorkerLoad;
import io.sluice.worker.access.AccessControl;
import io.sluice.worker.net.ConnectionLimits;
import io.sluice.worker.net.Transport;
import io.sluice.worker.stats.WorkerCounters;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.StreamRegistry;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One worker's machinery, shared by every way in: the event loops (Netty's native epoll or
 * io_uring transport, {@link Transport}), the live streams, the connections of all listeners with their limits, and the
 * worker's view of the cluster. Listeners ({@link Listener}) take what they need from here; the
 * channel to the master reads load figures, dumps, kicks and drains through it.
 *
 * <p>Knows no protocol: an RTMP listener and an HTTP listener plug in the same way.
 */
public final class WorkerRuntime implements AutoCloseable {

    private final int threads;
    private final Transport transport;
    private final EventLoopGroup group;
    private final StreamRegistry registry;
    private final ConnectionLimits limits;
    private volatile AccessControl access = AccessControl.open();
    private final Connections connections = new Connections();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile ClusterView cluster = ClusterView.STANDALONE;
    private volatile boolean draining;
    /** Streams the heartbeat carries figures of (api.stream_metrics_max), 0 when api.stream_metrics is off. */
    private volatile int streamMetricsMax;

    /** A runtime on epoll (tests). */
    public WorkerRuntime(int threads, GopSettings gopSettings, int maxConnections, int maxConnectionsPerIp) {
        this(threads, Transport.choose(TransportChoice.EPOLL), gopSettings, maxConnections, maxConnectionsPerIp);
    }

    /**
     * @param threads             event loops
     * @param transport           what the loops and every socket of this runtime use
     * @param maxConnections      {@code rtmp.max_connections}, 0 = no limit
     * @param maxConnectionsPerIp {@code rtmp.max_connections_per_ip}, 0 = no limit
     */
    public WorkerRuntime(int threads, Transport transport, GopSettings gopSettings, int maxConnections,
                         int maxConnectionsPerIp) {
        this.threads = threads;
        this.transport = transport;
        // Threads keep the name "rtmp": log lines, bench/run.sh --profile and jfr-top.py look for it.
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("rtmp"),
                transport.ioHandlerFactory());
        this.registry = new StreamRegistry(gopSettings);
        this.limits = new ConnectionLimits(maxConnections, maxConnectionsPerIp);
    }

    /** A runtime with the configuration's GOP cache, write batching and connection limits. */
    public static WorkerRuntime from(SluiceConfig config, int threads) {
        WorkerRuntime runtime = new WorkerRuntime(threads, Transport.choose(config.worker().transport()),
                GopSettings.from(config.gopCache()),
                config.rtmp().maxConnections(), config.rtmp().maxConnectionsPerIp());
        runtime.registry.writeBatching(config.players());
        runtime.streamMetricsMax = config.api().streamMetrics() ? config.api().streamMetricsMax() : 0;
        runtime.access = AccessControl.from(config);
        return runtime;
    }

    /** Plugs a listener in: it hears of reloads and drains, and is closed with the runtime. */
    public void add(Listener listener) {
        listeners.add(listener);
    }

    public EventLoopGroup group() {
        return group;
    }

    /** The transport of {@link #group()}: channels registered there must be made with it. */
    public Transport transport() {
        return transport;
    }

    /**
     * Binds a client-facing TCP port on this runtime's loops, shared with the other workers
     * ({@code SO_REUSEPORT}, this runtime's transport; no Nagle, keep-alive). Every accepted connection is tracked
     * ({@link #connections}), then {@code init} builds its pipeline; {@code options} may set more
     * child options. Returns the listening channel.
     */
    public Channel bindTcp(String host, int port, Consumer<ServerBootstrap> options, Consumer<Channel> init)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverSocket())
                .option(UnixChannelOption.SO_REUSEPORT, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.track(ch);
                        init.accept(ch);
                    }
                });
        options.accept(b);
        return b.bind(host, port).sync().channel();
    }

    /** Event loop threads. */
    public int threads() {
        return threads;
    }

    public StreamRegistry registry() {
        return registry;
    }

    /** The worker's connection limits (admitted and refused counts). */
    public ConnectionLimits limits() {
        return limits;
    }

    /** Who may connect, publish and play: every listener asks it. */
    public AccessControl access() {
        return access;
    }

    /** Every open connection. */
    public Connections connections() {
        return connections;
    }

    /** The worker's view of the cluster (claims, relays); set before a listener binds. */
    public void cluster(ClusterView cluster) {
        this.cluster = cluster;
    }

    public ClusterView cluster() {
        return cluster;
    }

    /**
     * A reload's in-place settings: connection limits, the GOP cache and write batching apply at
     * once, each listener's own settings to connections opened from now on.
     */
    public void updateSettings(SluiceConfig config) {
        streamMetricsMax = config.api().streamMetrics() ? config.api().streamMetricsMax() : 0;
        limits.update(config.rtmp().maxConnections(), config.rtmp().maxConnectionsPerIp());
        registry.updateGopSettings(GopSettings.from(config.gopCache()));
        registry.writeBatching(config.players());
        access.update(config);
        listeners.forEach(l -> l.settingsChanged(config));
    }

    /**
     * This worker's share of the server-wide connection limit (the master computes it from the
     * heartbeat counts of all workers); -1 = no server-wide limit, 0 = admit nothing new. With
     * {@code rtmp.max_connections} the lower applies. Connections already admitted stay; new ones
     * are refused while the worker is at its limit.
     */
    public void serverShare(int share) {
        limits.serverShare(share);
    }

    /** Load figures for the heartbeat. */
    public WorkerLoad load() {
        Connections.Totals t = connections.totals();
        Runtime rt = Runtime.getRuntime();
        WorkerCounts counts = new WorkerCounts(WorkerCounters.framesDropped(), WorkerCounters.slowPlayersDisconnected(),
                WorkerCounters.handshakeErrors(), WorkerCounters.protocolErrors(), WorkerCounters.publishRefused(),
                WorkerCounters.playRefused(), t.byProtocolAndRole, t.relays, directMemory(),
                streamCounts(t.playersByStream));
        return new WorkerLoad(connections.size(), t.publishers, t.players, registry.size(), t.bytesIn, t.bytesOut,
                rt.totalMemory() - rt.freeMemory(), draining, limits.refusedCount(), limits.admittedCount(),
                t.playersByProtocol, access.refusedCounts(), counts);
    }

    /** Per-stream figures for metrics, at most {@code api.stream_metrics_max} streams; none when off. */
    private Map<String, WorkerCounts.StreamCounts> streamCounts(Map<String, Integer> players) {
        int max = streamMetricsMax;
        if (max == 0) {
            return Map.of();
        }
        Map<String, WorkerCounts.StreamCounts> out = new HashMap<>();
        for (LiveStream stream : registry.all()) {
            if (out.size() == max) {
                break;
            }
            LiveStream.StreamStats st = stream.stats();
            String key = st.key().toString();
            out.put(key, new WorkerCounts.StreamCounts(st.bytesIn(), players.getOrDefault(key, 0)));
        }
        return out;
    }

    /**
     * The JVM's pool of direct ByteBuffers, looked up once: the lookup walks every platform MBean
     * provider, and ran with each heartbeat.
     */
    private static final BufferPoolMXBean DIRECT_POOL = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
            .stream().filter(pool -> pool.getName().equals("direct")).findFirst().orElse(null);

    /**
     * Direct memory in use: what Netty's allocator holds (its pooled arenas, which never show in
     * the JVM's own buffer pool figures) plus the JVM's direct ByteBuffers; -1 when neither is known.
     */
    private static long directMemory() {
        long netty = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
                ? p.metric().usedDirectMemory() : -1;
        long jvm = DIRECT_POOL == null ? -1 : DIRECT_POOL.getMemoryUsed();
        return netty < 0 && jvm < 0 ? -1 : Math.max(0, netty) + Math.max(0, jvm);
    }

    /** Streams and, when {@code withClients}, client sessions, for {@code worker.dump}. */
    public WorkerDump dump(boolean withClients) {
        Map<String, Connections.StreamPlayers> players = new HashMap<>();
        List<WorkerDump.ClientInfo> clients = connections.clients(withClients, players);
        List<WorkerDump.StreamInfo> streams = new ArrayList<>();
        Connections.StreamPlayers none = new Connections.StreamPlayers();
        for (LiveStream stream : registry.all()) {
            LiveStream.StreamStats st = stream.stats();
            Connections.StreamPlayers p = players.getOrDefault(st.key().toString(), none);
            streams.add(new WorkerDump.StreamInfo(st.key().app(), st.key().name(), st.publisherOrigin(),
                    p.byProtocol.values().stream().mapToInt(Integer::intValue).sum(), st.bytesIn(), st.publishedAtMillis(),
                    st.videoCodec(), st.audioCodec(), p.byProtocol, p.bytesOut, p.kbpsOut));
        }
        return new WorkerDump(streams, clients);
    }

    /** Closes the client connection with this id ({@code bin/ctl kick}); false when there is none. */
    public boolean kick(String clientId) {
        return connections.kick(clientId);
    }

    /** Closes the publisher of {@code stream} ("app/name"); false when this worker has none. */
    public boolean dropPublisher(String stream) {
        return connections.dropPublisher(stream);
    }

    /** Number of open connections. */
    public int connectionCount() {
        return connections.size();
    }

    /** Stops accepting clients (drain); open sessions, and relays to other workers, carry on. */
    public void drain() {
        draining = true;
        listeners.forEach(Listener::stopAccepting);
    }

    /** Closes the listeners and every connection, then stops the event loops. */
    @Override
    public void close() {
        draining = true;
        listeners.forEach(Listener::close);
        connections.closeAll(2000);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
