package io.sluice.master.control;

import io.netty.channel.EventLoopGroup;
import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ChannelServer;
import io.sluice.common.channel.ChannelTransport;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.protocol.ClientRef;
import io.sluice.common.protocol.StreamRef;
import io.sluice.common.protocol.WorkerDump;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.common.protocol.control.ClientView;
import io.sluice.common.protocol.control.ControlProtocol;
import io.sluice.common.protocol.control.KickResult;
import io.sluice.common.protocol.control.PingOrder;
import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.common.protocol.control.StatusView;
import io.sluice.common.protocol.control.StreamView;
import io.sluice.common.protocol.control.StreamWhere;
import io.sluice.master.directory.StreamDirectory;
import io.sluice.master.process.Supervisor;
import io.sluice.master.process.WorkerHandle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The master's control socket ({@code run/control.sock}, mode 0600): {@code bin/ctl} and tests
 * ask it about workers, streams and clients, and tell it to reload, kick a client or stop. Same
 * framing and envelopes as the worker channel. Reads of the master's state run on the master
 * loop; a ping's latency and the merging of the workers' dump and kick answers complete on the
 * channel thread.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    static final Duration WORKER_TIMEOUT = Duration.ofSeconds(3);

    private final Executor loop;
    private final Supervisor supervisor;
    private final StreamDirectory directory;
    private final ControlActions actions;
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
                         StreamDirectory directory, ControlActions actions) throws IOException {
        this.loop = loop;
        this.supervisor = supervisor;
        this.directory = directory;
        this.actions = actions;
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
        peer.onRequestAsync(ControlProtocol.WHERE, (ref, context) -> onLoop(() -> where(ref)));
        peer.onRequestAsync(ControlProtocol.STREAMS, (none, context) -> dumps().thenApply(ControlServer::streams));
        peer.onRequestAsync(ControlProtocol.CLIENTS, (none, context) -> dumps().thenApply(ControlServer::clients));
        peer.onRequestAsync(ControlProtocol.KICK, (client, context) -> kick(client));
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

    private StreamWhere where(StreamRef ref) {
        if (ref == null) {
            throw new ChannelRequestException(ErrorCode.BAD_REQUEST, "where needs a stream (app and name)");
        }
        StreamWhere where = directory.where(ref);
        if (where == null) {
            throw new ChannelRequestException(ErrorCode.NOT_FOUND, ref + " is not published");
        }
        return where;
    }

    /**
     * The dump of every running worker, with its id (workers that do not answer are left out),
     * and the directory's published streams, read on the loop at the same moment.
     */
    private CompletableFuture<Dumps> dumps() {
        return onLoop(() -> new Snapshot(supervisor.workers(), directory.all())).thenCompose(snapshot -> {
            List<WorkerHandle> workers = snapshot.workers;
            List<CompletableFuture<WorkerView>> asks = new ArrayList<>();
            for (WorkerHandle w : workers) {
                ChannelPeer p = w.peer();
                if (p == null) {
                    continue;
                }
                asks.add(p.request(WorkerProtocol.DUMP, null, WORKER_TIMEOUT)
                        .thenApply(d -> new WorkerView(w.id(), w.generation(), d))
                        .exceptionally(e -> {
                            log.warn("{} did not answer worker.dump: {}", w, e.toString());
                            return null;
                        }));
            }
            return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<WorkerView> views = new ArrayList<>();
                for (CompletableFuture<WorkerView> a : asks) {
                    WorkerView view = a.join();
                    if (view != null) {
                        views.add(view);
                    }
                }
                return new Dumps(views, snapshot.published);
            });
        });
    }

    private record Snapshot(List<WorkerHandle> workers, List<StreamWhere> published) {
    }

    private record Dumps(List<WorkerView> views, List<StreamWhere> published) {
    }

    private record WorkerView(int id, int generation, WorkerDump dump) {
    }

    private static List<StreamView> streams(Dumps dumps) {
        List<WorkerView> views = dumps.views;
        List<StreamView> out = new ArrayList<>();
        for (StreamWhere where : dumps.published) {
            String publisher = null;
            int players = 0;
            Map<String, Integer> byProtocol = new TreeMap<>();
            long bytesIn = 0;
            long since = where.publishedAtMillis();
            String video = null;
            String audio = null;
            for (WorkerView v : views) {
                for (WorkerDump.StreamInfo s : v.dump.streams()) {
                    if (!s.app().equals(where.app()) || !s.name().equals(where.name())) {
                        continue;
                    }
                    players += s.players();
                    s.playersByProtocol().forEach((protocol, n) -> byProtocol.merge(protocol, n, Integer::sum));
                    if (v.id == where.owner()) {
                        publisher = s.publisher();
                        bytesIn = s.bytesIn();
                        since = s.publishedAtMillis() > 0 ? s.publishedAtMillis() : since;
                        video = s.videoCodec();
                        audio = s.audioCodec();
                    }
                }
            }
            long seconds = Math.max(1, (System.currentTimeMillis() - since) / 1000);
            out.add(new StreamView(where.app() + "/" + where.name(), where.owner(), where.relayedBy(), publisher,
                    players, byProtocol, bytesIn * 8 / 1000 / seconds, video, audio, System.currentTimeMillis() - since));
        }
        return out;
    }

    private static List<ClientView> clients(Dumps dumps) {
        List<WorkerView> views = dumps.views;
        List<ClientView> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (WorkerView v : views) {
            for (WorkerDump.ClientInfo c : v.dump.clients()) {
                out.add(new ClientView(v.id, c.id(), c.address(), c.protocol(), c.role(), c.stream(), c.bytesIn(), c.bytesOut(),
                        now - c.startedAtMillis()));
            }
        }
        return out;
    }

    private CompletableFuture<KickResult> kick(ClientRef client) {
        if (client == null) {
            throw new ChannelRequestException(ErrorCode.BAD_REQUEST, "kick needs a client id (see bin/ctl clients)");
        }
        return onLoop(supervisor::workers).thenCompose(workers -> {
            List<CompletableFuture<Integer>> asks = new ArrayList<>();
            for (WorkerHandle w : workers) {
                ChannelPeer p = w.peer();
                if (p != null) {
                    asks.add(p.request(WorkerProtocol.KICK, client, WORKER_TIMEOUT)
                            .thenApply(r -> w.id()).exceptionally(e -> 0));
                }
            }
            return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
                for (CompletableFuture<Integer> a : asks) {
                    if (a.join() > 0) {
                        return new KickResult(a.join(), client.id());
                    }
                }
                throw new ChannelRequestException(ErrorCode.NOT_FOUND, "no client " + client.id()
                        + " (see bin/ctl clients)");
            });
        });
    }

    @Override
    public void close() {
        server.close();
    }
}
