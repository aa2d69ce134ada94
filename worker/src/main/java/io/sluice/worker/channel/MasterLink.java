package io.sluice.worker.channel;

import io.netty.channel.EventLoopGroup;
import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ChannelTransport;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.IdentifyReply;
import io.sluice.common.protocol.WorkerIdentity;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.worker.runtime.WorkerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The worker's end of the channel to the master: identifies the worker, announces it running,
 * answers the master's requests (ping, settings, drain, dump, kick, close), and ends the worker when the master goes away,
 * so no worker outlives its master (even one killed with SIGKILL).
 */
public final class MasterLink {

    private static final Logger log = LoggerFactory.getLogger(MasterLink.class);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /**
     * worker.identify is the master's first request on a cold JVM: its channel thread loads the
     * channel and JSON classes before it reads anything, which took 3 to 6 s on a loaded 2-core
     * machine. Waiting only {@link #REQUEST_TIMEOUT} made workers fail their start there; the
     * master itself waits 30 s for a worker to run (Supervisor.START_TIMEOUT).
     */
    static final Duration IDENTIFY_TIMEOUT = Duration.ofSeconds(20);

    private final ChannelPeer peer;
    private final WorkerIdentity identity;
    private volatile boolean closeRequested;
    private volatile boolean draining;

    private MasterLink(ChannelPeer peer, WorkerIdentity identity) {
        this.peer = peer;
        this.identity = identity;
    }

    /** Connects to the master's channel socket and identifies; returns the link and the configuration. */
    public static Connected connect(Path socket, EventLoopGroup group, int id, int generation)
            throws IOException, InterruptedException {
        ChannelPeer peer = ChannelTransport.connect(socket, group,
                new ChannelPeer("master", WorkerProtocol.PROTOCOL, REQUEST_TIMEOUT));
        WorkerIdentity me = new WorkerIdentity(id, generation, ProcessHandle.current().pid(), 0, null);
        try {
            IdentifyReply reply = peer.request(WorkerProtocol.IDENTIFY, me, IDENTIFY_TIMEOUT)
                    .get(IDENTIFY_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
            return new Connected(new MasterLink(peer, me), reply);
        } catch (ExecutionException | TimeoutException e) {
            peer.close();
            throw new IOException("the master did not accept worker.identify: " + e.getMessage(), e);
        }
    }

    /** What {@link #connect} returns. */
    public record Connected(MasterLink link, IdentifyReply reply) {
    }

    /**
     * Serves the master's requests for the worker that runs on {@code runtime}, announces it
     * running, and runs {@code stop} (once, on its own thread) when the master asks the worker to
     * stop or the channel closes. {@code settings} applies a reload's in-place settings.
     */
    public void serve(WorkerRuntime runtime, int port, String relayEndpoint, Consumer<SluiceConfig> settings,
                      Runnable stop) {
        peer.onRequest(WorkerProtocol.PING, (heartbeat, context) -> {
            if (heartbeat != null) { // bin/ctl ping sends none: it changes nothing
                runtime.serverShare(heartbeat.connectionShare());
            }
            return runtime.load();
        });
        peer.onRequest(WorkerProtocol.UPDATE_SETTINGS, (config, context) -> {
            settings.accept(config);
            return null;
        });
        peer.onRequest(WorkerProtocol.DRAIN, (order, context) -> {
            drain(runtime, order == null ? 0 : order.timeoutMillis(), stop);
            return null;
        });
        peer.onRequest(WorkerProtocol.DUMP, (what, context) -> runtime.dump(what == null || what.clients()));
        peer.onRequest(WorkerProtocol.KICK, (client, context) -> {
            if (client == null || !runtime.kick(client.id())) {
                throw new ChannelRequestException(ErrorCode.NOT_FOUND,
                        "no client " + (client == null ? null : client.id()) + " on this worker");
            }
            return null;
        });
        peer.onRequest(WorkerProtocol.DROP, (ref, context) -> {
            if (ref == null || !runtime.dropPublisher(ref.toString())) {
                throw new ChannelRequestException(ErrorCode.NOT_FOUND, "no publisher of " + ref + " on this worker");
            }
            return null;
        });
        peer.onRequest(WorkerProtocol.CLOSE, (none, context) -> {
            closeRequested = true;
            log.info("the master asked this worker to stop");
            // The response is written before this thread returns; stop on another thread.
            new Thread(stop, "worker-close").start();
            return null;
        });
        peer.closeFuture().whenComplete((v, e) -> {
            if (!closeRequested) {
                log.warn("the channel to the master closed; stopping this worker");
                new Thread(stop, "master-gone").start();
            }
        });
        peer.notify(WorkerProtocol.RUNNING, null,
                new WorkerIdentity(identity.id(), identity.generation(), identity.pid(), port, relayEndpoint));
    }

    /**
     * Closes the listener (new connections go to the other workers) and keeps serving the open
     * sessions; once the last one has ended the worker stops by itself. The master stops it
     * when the drain timeout passes first.
     */
    private void drain(WorkerRuntime runtime, long timeoutMillis, Runnable stop) {
        if (draining) {
            return;
        }
        draining = true;
        runtime.drain();
        log.info("draining: listener closed, serving {} open connection(s) until they end (at most {} ms)",
                runtime.connectionCount(), timeoutMillis);
        runtime.group().scheduleAtFixedRate(() -> {
            if (runtime.connectionCount() == 0 && !closeRequested) {
                closeRequested = true;
                log.info("drained: the last connection ended; stopping");
                new Thread(stop, "drained").start();
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
    }

    public ChannelPeer peer() {
        return peer;
    }
}
