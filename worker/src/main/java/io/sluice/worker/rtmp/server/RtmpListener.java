package io.sluice.worker.rtmp.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.unix.DomainSocketAddress;
import io.sluice.common.config.SluiceConfig;
import io.sluice.worker.net.Transport;
import io.sluice.worker.rtmp.chunk.IncompleteMessageBudget;
import io.sluice.worker.rtmp.session.RtmpChunks;
import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.runtime.Listener;
import io.sluice.worker.runtime.WorkerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RTMP into a worker: the client port, bound with {@code SO_REUSEPORT} so that every worker
 * process binds it and the kernel spreads incoming connections over them, and the relay endpoint
 * other workers play streams from. Both run on the runtime's event loops and share its streams,
 * connection tracking and limits; the RTMP settings and the incomplete-message budget are this
 * listener's (all its connections together).
 *
 * <p>Every frame published on the worker is encoded once in RTMP chunks at {@code rtmp.chunk_size}
 * as it arrives ({@link RtmpChunks}): most players of the worker share that buffer.
 */
public final class RtmpListener implements Listener {

    private static final Logger log = LoggerFactory.getLogger(RtmpListener.class);

    private final WorkerRuntime runtime;
    private final IncompleteMessageBudget budget;
    private volatile SessionSettings settings;
    private volatile RtmpChunks chunks;
    private Channel listener;
    private Channel relayEndpoint;

    /** Plugs an RTMP listener into {@code runtime}; nothing listens before {@link #bind}. */
    public RtmpListener(WorkerRuntime runtime, SessionSettings settings) {
        this.runtime = runtime;
        this.settings = settings;
        this.chunks = RtmpChunks.of(settings.chunkSize());
        this.budget = new IncompleteMessageBudget(settings.incompleteMessageBudget());
        runtime.registry().encodeEagerly(() -> chunks);
        runtime.add(this);
    }

    /** Binds the client port; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress bind(String host, int port) throws InterruptedException {
        // TCP_QUICKACK is re-armed after each read during session setup (TrafficCountingHandler):
        // Linux's delayed ACKs would hold each step of ffmpeg's connect/createStream for ~40 ms.
        listener = runtime.bindTcp(host, port, b -> b.childOption(runtime.transport().tcpQuickAck(), true),
                ch -> ch.pipeline().addLast(new RtmpServerInitializer(() -> settings, runtime.registry(),
                        runtime.cluster(), runtime.limits(), budget, false, runtime.access())));
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        log.info("RTMP listening on {}:{} (SO_REUSEPORT, {}, {} event loop threads)", host, bound.getPort(),
                runtime.transport(), runtime.threads());
        return bound;
    }

    /**
     * Binds the relay endpoint: RTMP over a Unix socket that other workers of this server play
     * streams from. The socket lives in the 0700 run directory, and a connection from another
     * user (peer credentials) is refused as well; there is no TCP port for it. Its connections
     * are not held to the connection limits.
     */
    public void bindRelayEndpoint(Path socket) throws InterruptedException, IOException {
        Files.deleteIfExists(socket);
        int ownUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        ServerBootstrap b = new ServerBootstrap()
                .group(runtime.group())
                .channel(runtime.transport().serverDomainSocket())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) throws IOException {
                        int uid = Transport.peerUid(ch);
                        if (uid != ownUid) {
                            log.warn("relay endpoint: refused a connection from uid {} (only uid {} may relay)", uid, ownUid);
                            ch.close();
                            return;
                        }
                        runtime.connections().track(ch);
                        ch.pipeline().addLast(new RtmpServerInitializer(() -> settings, runtime.registry(),
                                runtime.cluster(), null, budget, true));
                    }
                });
        relayEndpoint = b.bind(new DomainSocketAddress(socket.toString())).sync().channel();
        log.debug("relay endpoint listening on {}", socket);
    }

    /**
     * New connections use the reload's RTMP settings from now on (and new frames its chunk size);
     * the incomplete-message budget's size applies at once.
     */
    @Override
    public void settingsChanged(SluiceConfig config) {
        SessionSettings next = SessionSettings.from(config);
        settings = next;
        chunks = RtmpChunks.of(next.chunkSize());
        budget.limit(next.incompleteMessageBudget());
    }

    /** Closes the client port (a drain); the relay endpoint stays for the workers that relay from here. */
    @Override
    public void stopAccepting() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    @Override
    public void close() {
        stopAccepting();
        if (relayEndpoint != null) {
            relayEndpoint.close().syncUninterruptibly();
        }
    }
}
