package io.sluice.master.http;

import io.sluice.common.protocol.WorkerCounts;
import io.sluice.common.protocol.WorkerLoad;
import io.sluice.master.directory.ClusterDirectory;
import io.sluice.master.process.MasterCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsPageTest {

    private static final List<String> FAMILIES = List.of("sluice_build_info", "sluice_uptime_seconds",
            "sluice_generation", "sluice_workers", "sluice_streams", "sluice_connections", "sluice_relays",
            "sluice_received_bytes_total", "sluice_sent_bytes_total", "sluice_frames_dropped_total",
            "sluice_slow_players_disconnected_total", "sluice_connections_refused_total", "sluice_publish_refused_total",
            "sluice_play_refused_total", "sluice_handshake_errors_total", "sluice_protocol_errors_total",
            "sluice_worker_heap_used_bytes", "sluice_worker_direct_memory_bytes", "sluice_worker_respawns_total",
            "sluice_reloads_total", "sluice_heartbeat_rtt_seconds", "sluice_access_denied_total");

    private static String page() {
        return page(0);
    }

    private static String page(int streamMetricsMax) {
        WorkerCounts counts1 = new WorkerCounts(12, 1, 3, 2, Map.of("BadName", 4L), Map.of("StreamNotFound", 5L),
                Map.of("rtmp", Map.of("publisher", 1, "player", 7), "http-flv", Map.of("player", 2)), 1, 1 << 20,
                Map.of("live/a", new WorkerCounts.StreamCounts(5000, 9), "live/b", new WorkerCounts.StreamCounts(10, 0)));
        WorkerLoad load1 = new WorkerLoad(10, 1, 9, 1, 1000, 90_000, 30 << 20, false, 6, 10,
                Map.of("rtmp", 7, "http-flv", 2), Map.of("signature", 3L), counts1);
        WorkerLoad load2 = new WorkerLoad(0, 0, 0, 0, 0, 0, 20 << 20, true, 0, 0, Map.of());
        long[] buckets = new long[MasterCounters.RTT_BOUNDS.length];
        buckets[3] = 40;
        buckets[5] = 2;
        MetricsPage.MasterSample master = new MetricsPage.MasterSample("0.1.0-SNAPSHOT", 61_500, 2,
                Map.of("live/a", 1, "live/b", 1, "live/c", 2), streamMetricsMax,
                Map.of("exit", 1L, "heartbeat", 2L), Map.of("in_place", 3L, "InvalidConfig", 1L),
                MasterCounters.RTT_BOUNDS, buckets, 0.05);
        // Two workers with id 1 (generations 1 and 2): a reload in progress.
        return MetricsPage.render(master, List.of(
                new MetricsPage.WorkerSample(1, 2, "running", load1),
                new MetricsPage.WorkerSample(1, 1, "draining", load2),
                new MetricsPage.WorkerSample(2, 2, "spawned", null)));
    }

    @Test
    void everyFamilyOfTheIssueIsThereWithBaseUnitsAndTotalSuffixes() {
        String page = page();
        assertEquals(FAMILIES.stream().sorted().toList(), MetricsPage.families(page), "the client sorts families by name");
        assertTrue(page.contains("sluice_connections{generation=\"2\",protocol=\"rtmp\",role=\"player\",worker=\"1\"} 7.0"),
                page);
        assertTrue(page.contains("sluice_publish_refused_total{generation=\"2\",reason=\"BadName\",worker=\"1\"} 4.0"), page);
        assertTrue(page.contains("sluice_sent_bytes_total{generation=\"1\",worker=\"1\"} 0.0"), page);
        assertTrue(page.contains("sluice_worker_respawns_total{cause=\"heartbeat\"} 2.0"), page);
        assertTrue(page.contains("sluice_workers{state=\"draining\"} 1.0"), page);
        assertTrue(page.contains("sluice_heartbeat_rtt_seconds_bucket{le=\"0.001\"} 40"), page);
        assertTrue(page.contains("sluice_heartbeat_rtt_seconds_bucket{le=\"0.005\"} 42"), page);
        assertTrue(page.contains("sluice_heartbeat_rtt_seconds_count 42"), page);
        assertTrue(page.contains("sluice_uptime_seconds 61.5"), page);
        assertTrue(page.contains("sluice_access_denied_total{generation=\"2\",reason=\"signature\",worker=\"1\"} 3.0"), page);
        // The worker without a heartbeat yet has no per-worker series; the draining one has no direct memory figure.
        assertFalse(page.contains("worker=\"2\""), page);
        assertFalse(page.contains("sluice_worker_direct_memory_bytes{generation=\"1\""), page);
    }

    @Test
    void perStreamSeriesOnlyWhenAskedAndCapped() {
        assertFalse(page().contains("sluice_stream_"), "off by default");
        String page = page(2);
        assertTrue(page.contains("sluice_stream_players{stream=\"live/a\"} 9.0"), page);
        assertTrue(page.contains("sluice_stream_received_bytes_total{stream=\"live/a\"} 5000.0"), page);
        assertTrue(page.contains("sluice_stream_players{stream=\"live/b\"} 0.0"), page);
        assertFalse(page.contains("live/c"), "over the cap of 2: " + page);
        assertTrue(page.contains("sluice_stream_series_dropped 1.0"), page);
    }

    private static String clusterPage() {
        String single = page();
        assertFalse(single.contains("sluice_cluster_"), "a single host has no cluster series");
        String page = MetricsPage.render(new MetricsPage.MasterSample("0.1.0-SNAPSHOT", 1000, 1, Map.of("live/a", 1), 0,
                        Map.of(), Map.of(), MasterCounters.RTT_BOUNDS, new long[MasterCounters.RTT_BOUNDS.length], 0),
                List.of(), new ClusterDirectory.Status("edge-1", true, Map.of("edge-2", 3),
                        Map.of("edge-2", 1, "edge-3", 1), 0));
        return page;
    }

    @Test
    void relaysBetweenHostsHaveASeriesPerOtherHost() {
        String page = clusterPage();
        assertTrue(page.contains("sluice_cluster_redis_connected{node=\"edge-1\"} 1.0"), page);
        assertTrue(page.contains("sluice_cluster_relays_in{from=\"edge-2\"} 3.0"), page);
        assertTrue(page.contains("sluice_cluster_relays_out{to=\"edge-3\"} 1.0"), page);
        assertTrue(page.contains("sluice_cluster_leases_lost 0.0"), page);
    }

    @Test
    @Timeout(60)
    void promtoolAcceptsThePage() throws Exception {
        Promtool.check(page());
        Promtool.check(page(2));
        Promtool.check(clusterPage());
    }
}
