package io.sluice.master.control;

import io.netty.channel.EventLoopGroup;
import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ChannelServer;
import io.sluice.common.channel.ChannelTransport;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.protocol.StreamRef;
import io.sluice.common.protocol.control.ControlProtocol;
import io.sluice.common.protocol.control.PingOrder;
import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.common.protocol.control.StatusView;
import io.sluice.common.protocol.control.StreamWhere;
import io.sluice.master.directory.ClusterDirectory;
import io.sluice.master.process.Supervisor;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The master's control socket ({@code run/control.sock}, mode 0600): {@code bin/ctl} and tests
 * ask it about workers, streams and clients, and tell it to reload, kick a client or stop. Same
 * framing and envelopes as the worker channel. Reads of the master's state run on the master
 * loop; a ping's latency and the answers that need every worker ({@link WorkerQueries}, shared
 * with the HTTP API) complete on the channel thread. A worker missing from such an answer is
 * logged; the HTTP API also names it in the answer.
 */
public final class ControlServer implements AutoCloseable {

    static final Duration WORKER_TIMEOUT = Duration.ofSeconds(3);

    private final Executor loop;
    private final Supervisor supervisor;
    private final ClusterDirectory directory;
    private final ControlActions actions;
    private final WorkerQueries queries;
    private final ChannelServer server;

    /** What the control socket can make the master do. */
    public interface ControlActions {
        StatusView status();

        /** Reloads the configuration; completes with what changed and how it was applied. */
        CompletableFuture<ReloadReport> reload();

        /**
         * Stops the server: {@code now} without worker.close; {@code drain} lets the workers
         * finish their sessions first (at most worker.drain_timeout), nginx's graceful QUIT.
         */
        void stop(boolean now, boolean drain);
    }

    public ControlServer(Path socket, EventLoopGroup io, Executor loop, Supervisor supervisor,
                         ClusterDirectory directory, WorkerQueries queries, ControlActions actions) throws IOException {
        this.loop = loop;
        this.supervisor = supervisor;
        this.directory = directory;
        this.actions = actions;
        this.queries = queries;
        this.server = ChannelTransport.listen(socket, io, this::peer);
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    }

    private ChannelPeer peer() {
        ChannelPeer peer = new ChannelPeer("control", ControlProtocol.PROTOCOL, Duration.ofSeconds(30));
        peer.onRequestAsync(ControlProtocol.STATUS, (none, context) -> onLoop(actions::status));
        peer.onRequestAsync(ControlProtocol.PING, (order, context) -> {
            int count = order == null ? PingOrder.DEFAULT_COUNT : order.count();
            return onLoop(supervisor::workers).thenCompose(workers -> ChannelLatency.measure(workers, count));
        });
        // Another host's stream is looked up in Redis: the answer completes later, on the loop.
        peer.onRequestAsync(ControlProtocol.WHERE, (ref, context) -> onLoop(() -> where(ref)).thenCompose(w -> w));
        peer.onRequestAsync(ControlProtocol.STREAMS, (none, context) ->
                queries.streams(WORKER_TIMEOUT).thenApply(WorkerQueries.Gathered::value));
        peer.onRequestAsync(ControlProtocol.CLIENTS, (none, context) ->
                queries.clients(WORKER_TIMEOUT).thenApply(WorkerQueries.Gathered::value));
        peer.onRequestAsync(ControlProtocol.KICK, (client, context) -> {
            if (client == null) {
                throw new ChannelRequestException(ErrorCode.BAD_REQUEST, "kick needs a client id (see bin/ctl clients)");
            }
            return queries.kick(client, WORKER_TIMEOUT);
        });
        peer.onRequestAsync(ControlProtocol.RELOAD, (none, context) ->
                onLoop(actions::reload).thenCompose(f -> f));
        peer.onRequest(ControlProtocol.STOP, (order, context) -> {
            boolean now = order != null && order.now();
            boolean drain = order != null && order.drain();
            // Answered first; the stop starts right after, on the loop.
            loop.execute(() -> actions.stop(now, drain));
            return null;
        });
        return peer;
    }

    private <T> CompletableFuture<T> onLoop(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, loop);
    }

    private CompletableFuture<StreamWhere> where(StreamRef ref) {
        if (ref == null) {
            throw new ChannelRequestException(ErrorCode.BAD_REQUEST, "where needs a stream (app and name)");
        }
        return directory.where(ref).thenApply(where -> {
            if (where == null) {
                throw new ChannelRequestException(ErrorCode.NOT_FOUND, ref + " is not published");
            }
            return where;
        });
    }

    @Override
    public void close() {
        server.close();
    }
}
