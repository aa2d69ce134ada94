package io.sluice.worker.http;

import io.netty.channel.Channel;
import io.sluice.common.config.SluiceConfig;
import io.sluice.worker.hls.BlockingReload;
import io.sluice.worker.runtime.Listener;
import io.sluice.worker.runtime.WorkerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * HTTP into a worker, for browsers: HTTP-FLV and WebSocket-FLV on {@code http.port}, bound with
 * {@code SO_REUSEPORT} like the RTMP port so that every worker binds it and the kernel spreads
 * connections over them. Runs on the runtime's event loops and shares its streams, connection
 * tracking and limits with RTMP; any worker serves any stream (through the cluster view's relays).
 */
public final class HttpListener implements Listener {

    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);

    private final WorkerRuntime runtime;
    private volatile HttpServerSettings settings;
    private Channel listener;
    private java.nio.file.Path hlsRoot;
    private BlockingReload blocking;

    /** Plugs an HTTP listener into {@code runtime}; nothing listens before {@link #bind}. */
    public HttpListener(WorkerRuntime runtime, HttpServerSettings settings) {
        this.runtime = runtime;
        this.settings = settings;
        runtime.add(this);
    }

    /**
     * Serves HLS files from {@code root} (call before {@link #bind}); without it, no HLS. Blocking
     * Low-Latency HLS requests wait in {@code blocking} (null: answered at once).
     */
    public void serveHls(java.nio.file.Path root, BlockingReload blocking) {
        this.hlsRoot = root;
        this.blocking = blocking;
    }

    /** Binds the HTTP port; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress bind(String host, int port) throws InterruptedException {
        listener = runtime.bindTcp(host, port, b -> { }, ch -> ch.pipeline().addLast(
                new HttpServerInitializer(() -> settings, runtime.registry(), runtime::cluster, runtime.limits(),
                        runtime.access(), hlsRoot, blocking)));
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        log.info("HTTP-FLV listening on {}:{} (SO_REUSEPORT, {})", host, bound.getPort(), runtime.transport());
        return bound;
    }

    /** Connections opened from now on use the reload's settings. */
    @Override
    public void settingsChanged(SluiceConfig config) {
        settings = HttpServerSettings.from(config);
    }

    @Override
    public void stopAccepting() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    @Override
    public void close() {
        stopAccepting();
    }
}
