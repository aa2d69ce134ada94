package io.sluice.master.control;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ChannelTimeoutException;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.protocol.ClientRef;
import io.sluice.common.protocol.DumpRequest;
import io.sluice.common.protocol.WorkerDump;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.common.protocol.control.ClientView;
import io.sluice.common.protocol.control.KickResult;
import io.sluice.common.protocol.control.MissingWorker;
import io.sluice.common.protocol.control.StreamView;
import io.sluice.common.protocol.control.StreamWhere;
import io.sluice.master.directory.ClusterDirectory;
import io.sluice.master.process.Supervisor;
import io.sluice.master.process.WorkerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The answers that need every worker ({@code worker.dump}, {@code client.kick}), computed once
 * here for {@code bin/ctl} (the control socket) and the HTTP API alike. Each worker of every
 * generation is asked with a deadline; one that does not answer in time is named in the
 * answer's {@code partial} list, never silently left out. The master's own state is read on the
 * master loop; the merging runs on the channel thread that completes the last answer.
 */
public final class WorkerQueries {

    private static final Logger log = LoggerFactory.getLogger(WorkerQueries.class);

    private final Executor loop;
    private final Supervisor supervisor;
    private final ClusterDirectory directory;

    public WorkerQueries(Executor loop, Supervisor supervisor, ClusterDirectory directory) {
        this.loop = loop;
        this.supervisor = supervisor;
        this.directory = directory;
    }

    /** An aggregated answer and the workers missing from it (empty when all answered). */
    public record Gathered<T>(T value, List<MissingWorker> partial) {
        public Gathered {
            partial = List.copyOf(partial);
        }
    }

    /**
     * Every stream this host serves (published here, or relayed from another host), merged from
     * the directory and every worker's dump.
     */
    public CompletableFuture<Gathered<List<StreamView>>> streams(Duration deadline) {
        return dumps(deadline, DumpRequest.STREAMS_ONLY).thenApply(d -> new Gathered<>(streams(d), d.missing));
    }

    /** Every client session of every worker, in worker then id order. */
    public CompletableFuture<Gathered<List<ClientView>>> clients(Duration deadline) {
        return dumps(deadline, DumpRequest.EVERYTHING).thenApply(d -> new Gathered<>(clients(d), d.missing));
    }

    /**
     * Disconnects a client, wherever it is. Fails with {@link ErrorCode#NOT_FOUND} when no
     * worker has it; the reason then names the workers that did not answer, as one of them
     * may have had it.
     */
    public CompletableFuture<KickResult> kick(ClientRef client, Duration deadline) {
        return CompletableFuture.supplyAsync(supervisor::workers, loop).thenCompose(workers -> {
            List<Ask<Boolean>> asks = new ArrayList<>();
            for (WorkerHandle w : workers) {
                ChannelPeer p = w.peer();
                if (p != null) {
                    asks.add(new Ask<>(w, p.request(WorkerProtocol.KICK, client, deadline).thenApply(r -> true)));
                }
            }
            return allSettled(asks).thenApply(v -> {
                List<MissingWorker> missing = new ArrayList<>();
                for (Ask<Boolean> a : asks) {
                    Throwable failure = a.failure();
                    if (failure == null) {
                        return new KickResult(a.worker.id(), client.id());
                    }
                    if (!(failure instanceof ChannelRequestException refused && refused.code() == ErrorCode.NOT_FOUND)) {
                        missing.add(missing(a.worker, failure));
                    }
                }
                throw new ChannelRequestException(ErrorCode.NOT_FOUND, "no client " + client.id()
                        + (missing.isEmpty() ? "" : " (not answered by " + names(missing) + ")"));
            });
        });
    }

    private static String names(List<MissingWorker> missing) {
        return String.join(", ", missing.stream().map(m -> "worker " + m.worker()).toList());
    }

    /** One question to one worker. */
    private record Ask<T>(WorkerHandle worker, CompletableFuture<T> answer) {
        /** Null when answered; the unwrapped failure otherwise. Only once settled. */
        Throwable failure() {
            try {
                answer.join();
                return null;
            } catch (CompletionException e) {
                return e.getCause() == null ? e : e.getCause();
            } catch (RuntimeException e) {
                return e;
            }
        }
    }

    private static <T> CompletableFuture<Void> allSettled(List<Ask<T>> asks) {
        return CompletableFuture.allOf(asks.stream().map(a -> a.answer.handle((r, e) -> null))
                .toArray(CompletableFuture[]::new));
    }

    private static MissingWorker missing(WorkerHandle w, Throwable failure) {
        String reason = failure instanceof ChannelTimeoutException ? "timeout" : String.valueOf(failure.getMessage());
        return new MissingWorker(w.id(), w.generation(), reason);
    }

    private record Snapshot(List<WorkerHandle> workers, List<StreamWhere> published, String node) {
    }

    private record Dumps(List<Dumped> dumped, List<StreamWhere> published, List<MissingWorker> missing, String node) {
    }

    private record Dumped(int id, WorkerDump dump) {
    }

    /**
     * The dump of every worker with a channel and the directory's published streams, read on
     * the loop at the same moment.
     */
    private CompletableFuture<Dumps> dumps(Duration deadline, DumpRequest what) {
        Supplier<Snapshot> read = () -> new Snapshot(supervisor.workers(), directory.all(), directory.node());
        return CompletableFuture.supplyAsync(read, loop).thenCompose(snapshot -> {
            List<Ask<WorkerDump>> asks = new ArrayList<>();
            List<MissingWorker> missing = new ArrayList<>();
            for (WorkerHandle w : snapshot.workers) {
                ChannelPeer p = w.peer();
                if (p == null) {
                    // Spawned but not identified yet (or its channel just closed): it has no clients to show.
                    continue;
                }
                asks.add(new Ask<>(w, p.request(WorkerProtocol.DUMP, what, deadline)));
            }
            return allSettled(asks).thenApply(v -> {
                List<Dumped> dumped = new ArrayList<>();
                for (Ask<WorkerDump> a : asks) {
                    Throwable failure = a.failure();
                    if (failure == null) {
                        dumped.add(new Dumped(a.worker.id(), a.answer.join()));
                    } else {
                        log.warn("{} did not answer worker.dump: {}", a.worker, failure.toString());
                        missing.add(missing(a.worker, failure));
                    }
                }
                return new Dumps(dumped, snapshot.published, missing, snapshot.node);
            });
        });
    }

    private static List<StreamView> streams(Dumps dumps) {
        List<StreamView> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (StreamWhere where : dumps.published) {
            // Relayed from another host: the publisher's worker is not one of ours.
            boolean here = where.publishedHere(dumps.node);
            String publisher = null;
            int players = 0;
            Map<String, Integer> byProtocol = new TreeMap<>();
            Map<Integer, Integer> byWorker = new TreeMap<>();
            long bytesIn = 0;
            long since = where.publishedAtMillis() > 0 ? where.publishedAtMillis() : now;
            String video = null;
            String audio = null;
            long bytesOut = 0;
            long kbpsOut = 0;
            for (Dumped d : dumps.dumped) {
                for (WorkerDump.StreamInfo s : d.dump.streams()) {
                    if (!s.app().equals(where.app()) || !s.name().equals(where.name())) {
                        continue;
                    }
                    players += s.players();
                    bytesOut += s.bytesOut();
                    kbpsOut += s.kbpsOut();
                    if (s.players() > 0) {
                        byWorker.merge(d.id, s.players(), Integer::sum);
                    }
                    s.playersByProtocol().forEach((protocol, n) -> byProtocol.merge(protocol, n, Integer::sum));
                    if (here && d.id == where.owner()) {
                        publisher = s.publisher();
                        bytesIn = s.bytesIn();
                        since = s.publishedAtMillis() > 0 ? s.publishedAtMillis() : since;
                        video = s.videoCodec();
                        audio = s.audioCodec();
                    }
                }
            }
            long seconds = Math.max(1, (now - since) / 1000);
            out.add(new StreamView(where.app() + "/" + where.name(), where.owner(), where.relayedBy(), publisher,
                    players, byProtocol, byWorker, bytesIn * 8 / 1000 / seconds, bytesIn, kbpsOut, bytesOut, video, audio,
                    now - since, where.node(), where.relayNodes()));
        }
        return out;
    }

    private static List<ClientView> clients(Dumps dumps) {
        List<ClientView> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (Dumped d : dumps.dumped) {
            for (WorkerDump.ClientInfo c : d.dump.clients()) {
                out.add(new ClientView(d.id, c.id(), c.address(), c.protocol(), c.role(), c.stream(), c.bytesIn(),
                        c.bytesOut(), now - c.startedAtMillis()));
            }
        }
        return out;
    }
}
