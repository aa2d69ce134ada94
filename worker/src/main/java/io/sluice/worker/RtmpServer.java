package io.sluice.worker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.worker.rtmp.session.RtmpFrameEncoder;
import io.sluice.worker.rtmp.session.RtmpServerInitializer;
import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
    private Channel listener;

    public RtmpServer(int threads, SessionSettings sessionSettings, GopSettings gopSettings) {
        requireEpoll();
        this.threads = threads;
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("rtmp"),
                EpollIoHandler.newFactory());
        this.settings = new AtomicReference<>(sessionSettings);
        this.registry = new StreamRegistry(
                new RtmpFrameEncoder(ByteBufAllocator.DEFAULT, () -> settings.get().chunkSize()), gopSettings);
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
                .childHandler(new RtmpServerInitializer(settings::get, registry));
        listener = b.bind(host, port).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        log.info("RTMP listening on {}:{} (SO_REUSEPORT, epoll, {} event loop threads)", host, bound.getPort(),
                threads);
        return bound;
    }

    public StreamRegistry registry() {
        return registry;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** New sessions use these settings from now on; GOP settings apply to live streams at once. */
    public void updateSettings(SessionSettings sessionSettings, GopSettings gopSettings) {
        settings.set(sessionSettings);
        registry.updateGopSettings(gopSettings);
    }

    public SessionSettings settings() {
        return settings.get();
    }

    /** Stops accepting; existing sessions carry on. */
    public void closeListener() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    @Override
    public void close() {
        closeListener();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
