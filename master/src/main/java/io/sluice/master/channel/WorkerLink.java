package io.sluice.master.channel;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.master.directory.Admissions;
import io.sluice.master.directory.ClusterDirectory;
import io.sluice.master.directory.StreamDirectory;
import io.sluice.master.process.Supervisor;
import io.sluice.master.process.WorkerHandle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The master's end of the channel to one worker, the mirror of the worker's {@code MasterLink}:
 * answers what the worker asks (who it is, claim, release and locate a stream) and takes what it
 * announces (running, relays opened and closed, waits cancelled), each handled on the master
 * loop. The master's own requests (ping, drain, close, settings, dump, kick) go out through the
 * same peer, from the heartbeat, the stopper, the reloader and the control socket. A connection
 * that has not identified gets {@code NotIdentified} for anything but {@code worker.identify}.
 */
public final class WorkerLink {

    /** Channel requests the master makes wait at most this long unless they say otherwise. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final ChannelPeer peer = new ChannelPeer("worker", WorkerProtocol.PROTOCOL, REQUEST_TIMEOUT);
    private final Executor loop;
    private final Supervisor supervisor;

    private WorkerLink(Executor loop, Supervisor supervisor, ClusterDirectory cluster, Admissions admissions) {
        this.loop = loop;
        this.supervisor = supervisor;
        StreamDirectory directory = cluster.local();
        peer.onRequestAsync(WorkerProtocol.IDENTIFY, (who, context) -> onLoop(() -> supervisor.identify(peer, who)));
        peer.onNotification(WorkerProtocol.RUNNING, (who, target) -> loop.execute(() -> supervisor.running(who)));
        // Claims and locates may wait for another host's answer (Redis): the stage completes later.
        peer.onRequestAsync(WorkerProtocol.CLAIM, (ref, context) ->
                onLoop(() -> cluster.claim(worker(), ref)).thenCompose(reply -> reply));
        peer.onRequestAsync(WorkerProtocol.RELEASE, (ref, context) -> onLoop(() -> {
            cluster.release(worker(), ref);
            return null;
        }));
        peer.onRequestAsync(WorkerProtocol.ADMIT, (order, context) -> onLoop(() -> admissions.admit(worker(), order)));
        peer.onRequestAsync(WorkerProtocol.LEAVE, (order, context) -> onLoop(() -> {
            admissions.leave(worker(), order);
            return null;
        }));
        peer.onRequestAsync(WorkerProtocol.LOCATE, (ref, context) ->
                onLoop(() -> cluster.locate(worker(), ref)).thenCompose(location -> location));
        peer.onNotification(WorkerProtocol.RELAY_OPENED, (ref, target) ->
                onEvent(worker -> cluster.relayOpened(worker, ref)));
        peer.onNotification(WorkerProtocol.RELAY_CLOSED, (ref, target) ->
                onEvent(worker -> cluster.relayClosed(worker, ref)));
        peer.onNotification(WorkerProtocol.WAIT_CANCELLED, (ref, target) ->
                onEvent(worker -> directory.waitCancelled(worker, ref)));
        peer.closeFuture().whenComplete((v, e) -> loop.execute(() -> supervisor.channelClosed(peer)));
    }

    /** A new peer for each worker connection to the channel socket. */
    public static Supplier<ChannelPeer> factory(Executor loop, Supervisor supervisor, ClusterDirectory cluster,
                                                Admissions admissions) {
        return () -> new WorkerLink(loop, supervisor, cluster, admissions).peer;
    }

    /** The identified worker on this connection; refuses requests from a connection that did not identify. */
    private WorkerHandle worker() {
        WorkerHandle h = supervisor.byPeer(peer);
        if (h == null) {
            throw new ChannelRequestException(ErrorCode.NOT_IDENTIFIED, "send worker.identify first");
        }
        return h;
    }

    /** Runs {@code work} on the master loop; request handlers return the stage. */
    private <T> CompletableFuture<T> onLoop(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, loop);
    }

    /** An event from this worker, handled on the loop; dropped when the connection did not identify. */
    private void onEvent(Consumer<WorkerHandle> event) {
        loop.execute(() -> {
            WorkerHandle h = supervisor.byPeer(peer);
            if (h != null) {
                event.accept(h);
            }
        });
    }
}
