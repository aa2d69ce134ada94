package io.sluice.master.http;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.sluice.common.protocol.WorkerCounts;
import io.sluice.common.protocol.WorkerLoad;
import io.sluice.master.directory.ClusterDirectory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the whole server in Prometheus' text format, made with the Prometheus
 * Java client's data model and writer. Everything comes from what the master already holds (the
 * workers' last heartbeat answers, its own counters), so a scrape sends nothing to a worker.
 * Per-worker series carry {@code worker} and {@code generation} labels: during a reload two
 * workers may share an id.
 */
public final class MetricsPage {

    /** One worker as of its last heartbeat; {@code load} null before the first. */
    public record WorkerSample(int id, int generation, String state, WorkerLoad load) {
    }

    /**
     * What the master knows of itself.
     *
     * @param streamOwners     published streams ("app/name") and the worker that has the publisher
     * @param streamMetricsMax streams that get series of their own (api.stream_metrics_max); 0: none
     *                         (api.stream_metrics off)
     */
    public record MasterSample(String version, long uptimeMillis, int generation, Map<String, Integer> streamOwners,
                               int streamMetricsMax, Map<String, Long> respawns, Map<String, Long> reloads,
                               double[] rttBounds, long[] rttBuckets, double rttSum) {
    }

    private MetricsPage() {
    }

    public static String render(MasterSample master, List<WorkerSample> workers) {
        return render(master, workers, null);
    }

    public static String render(MasterSample master, List<WorkerSample> workers, ClusterDirectory.Status cluster) {
        List<WorkerSample> reporting = workers.stream().filter(w -> w.load != null).toList();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        out.metricSnapshot(GaugeSnapshot.builder().name("sluice_build_info").help("Version of the running master; always 1")
                .dataPoint(gauge(Labels.of("version", master.version), 1)).build());
        out.metricSnapshot(GaugeSnapshot.builder().name("sluice_uptime_seconds").unit(Unit.SECONDS)
                .help("Seconds since the master started").dataPoint(gauge(Labels.EMPTY, master.uptimeMillis / 1000.0)).build());
        out.metricSnapshot(GaugeSnapshot.builder().name("sluice_generation")
                .help("The worker generation serving new connections").dataPoint(gauge(Labels.EMPTY, master.generation)).build());
        Map<String, Integer> states = new TreeMap<>();
        workers.forEach(w -> states.merge(w.state, 1, Integer::sum));
        GaugeSnapshot.Builder byState = GaugeSnapshot.builder().name("sluice_workers").help("Worker processes by state");
        states.forEach((state, n) -> byState.dataPoint(gauge(Labels.of("state", state), n)));
        out.metricSnapshot(byState.build());
        out.metricSnapshot(GaugeSnapshot.builder().name("sluice_streams").help("Streams published (the master's directory)")
                .dataPoint(gauge(Labels.EMPTY, master.streamOwners.size())).build());
        if (master.streamMetricsMax > 0) {
            perStream(out, master, reporting);
        }

        GaugeSnapshot.Builder connections = GaugeSnapshot.builder().name("sluice_connections")
                .help("Open client connections by protocol and role");
        for (WorkerSample w : reporting) {
            w.load.counts().connections().forEach((protocol, roles) -> roles.forEach((role, n) ->
                    connections.dataPoint(gauge(labels(w).merge(new String[] {"protocol", "role"},
                            new String[] {protocol, role}), n))));
        }
        out.metricSnapshot(connections.build());
        out.metricSnapshot(perWorkerGauge("sluice_relays", null, "Relays open: connections a worker serves to other workers",
                reporting, w -> w.load.counts().relays()));
        out.metricSnapshot(perWorkerCounter("sluice_received_bytes", Unit.BYTES, "Bytes received from clients",
                reporting, w -> w.load.bytesIn()));
        out.metricSnapshot(perWorkerCounter("sluice_sent_bytes", Unit.BYTES,
                "Bytes sent to clients: what the kernel accepted", reporting, w -> w.load.bytesOut()));
        out.metricSnapshot(perWorkerCounter("sluice_frames_dropped", null,
                "Video frames not sent to players over their write buffer high mark", reporting,
                w -> w.load.counts().framesDropped()));
        out.metricSnapshot(perWorkerCounter("sluice_slow_players_disconnected", null,
                "Players disconnected for staying over their write buffer high mark (players.slow_timeout)", reporting,
                w -> w.load.counts().slowPlayersDisconnected()));
        out.metricSnapshot(perWorkerCounter("sluice_connections_refused", null,
                "Connections refused by a connection limit", reporting, w -> w.load.refused()));
        out.metricSnapshot(byReason("sluice_publish_refused", "Publishes refused, by reason (the RTMP status code)",
                reporting, WorkerCounts::publishRefused));
        out.metricSnapshot(byReason("sluice_play_refused", "Plays refused, by reason (the RTMP status code)",
                reporting, WorkerCounts::playRefused));
        CounterSnapshot.Builder denied = CounterSnapshot.builder().name("sluice_access_denied")
                .help("Connects, publishes and plays refused by access control, by reason");
        for (WorkerSample w : reporting) {
            w.load.denied().forEach((reason, n) -> denied.dataPoint(counter(labels(w).add("reason", reason), n)));
        }
        out.metricSnapshot(denied.build());
        out.metricSnapshot(perWorkerCounter("sluice_handshake_errors", null, "RTMP handshakes failed or timed out",
                reporting, w -> w.load.counts().handshakeErrors()));
        out.metricSnapshot(perWorkerCounter("sluice_protocol_errors", null,
                "Connections closed for an RTMP protocol error", reporting, w -> w.load.counts().protocolErrors()));
        out.metricSnapshot(perWorkerGauge("sluice_worker_heap_used_bytes", Unit.BYTES, "JVM heap in use per worker",
                reporting, w -> w.load.heapUsed()));
        out.metricSnapshot(perWorkerGauge("sluice_worker_direct_memory_bytes", Unit.BYTES,
                "Direct memory per worker (Netty's allocator and the JVM's direct buffers)",
                reporting.stream().filter(w -> w.load.counts().directMemory() >= 0).toList(),
                w -> w.load.counts().directMemory()));

        out.metricSnapshot(labelled("sluice_worker_respawns", "Worker processes respawned, by cause", "cause",
                master.respawns));
        out.metricSnapshot(labelled("sluice_reloads", "Reloads, by result (how it applied, or why it was refused)",
                "result", master.reloads));
        if (cluster != null) {
            cluster(out, cluster);
        }
        out.metricSnapshot(HistogramSnapshot.builder().name("sluice_heartbeat_rtt_seconds").unit(Unit.SECONDS)
                .help("Heartbeat round trips master to worker to master")
                .dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(master.rttBounds, master.rttBuckets))
                        .sum(master.rttSum).build())
                .build());
        return write(out.build());
    }

    /**
     * Series per stream (api.stream_metrics), for the first streams by name up to the cap; the
     * number left out is a gauge of its own, so a cap that bites is visible.
     */
    private static void perStream(MetricSnapshots.Builder out, MasterSample master, List<WorkerSample> workers) {
        GaugeSnapshot.Builder players = GaugeSnapshot.builder().name("sluice_stream_players")
                .help("Players of a stream on all workers");
        CounterSnapshot.Builder bytes = CounterSnapshot.builder().name("sluice_stream_received_bytes").unit(Unit.BYTES)
                .help("Bytes received from a stream's current publisher");
        int shown = 0;
        for (Map.Entry<String, Integer> e : new TreeMap<>(master.streamOwners).entrySet()) {
            if (shown == master.streamMetricsMax) {
                break;
            }
            shown++;
            String stream = e.getKey();
            int sum = 0;
            long in = 0;
            for (WorkerSample w : workers) {
                WorkerCounts.StreamCounts c = w.load.counts().streams().get(stream);
                if (c != null) {
                    sum += c.players();
                    if (w.id == e.getValue()) {
                        in = Math.max(in, c.bytesIn());
                    }
                }
            }
            players.dataPoint(gauge(Labels.of("stream", stream), sum));
            bytes.dataPoint(counter(Labels.of("stream", stream), in));
        }
        out.metricSnapshot(players.build());
        out.metricSnapshot(bytes.build());
        out.metricSnapshot(GaugeSnapshot.builder().name("sluice_stream_series_dropped")
                .help("Streams without series of their own: over api.stream_metrics_max")
                .dataPoint(gauge(Labels.EMPTY, master.streamOwners.size() - shown)).build());
    }

    /**
     * Relays between hosts, one series per other host (a handful: hosts, not streams), and the
     * state of the directory in Redis.
     */
    private static void cluster(MetricSnapshots.Builder out, ClusterDirectory.Status cluster) {
        out.metricSnapshot(GaugeSnapshot.builder().name("sluice_cluster_redis_connected")
                .help("1 when both connections to the cluster's Redis are up (commands and announcements)")
                .dataPoint(gauge(Labels.of("node", cluster.node()), cluster.redisConnected() ? 1 : 0)).build());
        GaugeSnapshot.Builder in = GaugeSnapshot.builder().name("sluice_cluster_relays_in")
                .help("Streams relayed into this host from another host, by that host");
        cluster.relaysIn().forEach((from, n) -> in.dataPoint(gauge(Labels.of("from", from), n)));
        out.metricSnapshot(in.build());
        GaugeSnapshot.Builder relaysOut = GaugeSnapshot.builder().name("sluice_cluster_relays_out")
                .help("Streams of this host relayed by another host, by that host (as of the last lease renewal)");
        cluster.relaysOut().forEach((to, n) -> relaysOut.dataPoint(gauge(Labels.of("to", to), n)));
        out.metricSnapshot(relaysOut.build());
        out.metricSnapshot(GaugeSnapshot.builder().name("sluice_cluster_leases_lost")
                .help("Names published here whose lease another host took (this host stopped renewing them)")
                .dataPoint(gauge(Labels.EMPTY, cluster.leasesLost())).build());
    }

    private static String write(MetricSnapshots snapshots) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        try {
            PrometheusTextFormatWriter.create().write(bytes, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Labels labels(WorkerSample w) {
        return Labels.of("worker", String.valueOf(w.id), "generation", String.valueOf(w.generation));
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot counter(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static GaugeSnapshot perWorkerGauge(String name, Unit unit, String help, List<WorkerSample> workers,
                                                ToDoubleFunction<WorkerSample> value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        workers.forEach(w -> b.dataPoint(gauge(labels(w), value.applyAsDouble(w))));
        return b.build();
    }

    private static CounterSnapshot perWorkerCounter(String name, Unit unit, String help, List<WorkerSample> workers,
                                                    ToDoubleFunction<WorkerSample> value) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        workers.forEach(w -> b.dataPoint(counter(labels(w), value.applyAsDouble(w))));
        return b.build();
    }

    private static CounterSnapshot byReason(String name, String help, List<WorkerSample> workers,
                                            java.util.function.Function<WorkerCounts, Map<String, Long>> counts) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (WorkerSample w : workers) {
            counts.apply(w.load.counts()).forEach((reason, n) ->
                    b.dataPoint(counter(labels(w).add("reason", reason), n)));
        }
        return b.build();
    }

    private static CounterSnapshot labelled(String name, String help, String label, Map<String, Long> counts) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        counts.forEach((value, n) -> b.dataPoint(counter(Labels.of(label, value), n)));
        return b.build();
    }

    /** For tests: the metric family names the page declares, in order. */
    static List<String> families(String text) {
        List<String> names = new ArrayList<>();
        text.lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> names.add(l.split(" ")[2]));
        return names;
    }
}
