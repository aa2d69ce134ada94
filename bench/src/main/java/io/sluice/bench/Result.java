package io.sluice.bench;

import java.util.List;
import java.util.Locale;

/**
 * One measured window: what {@link LoadGenerator} prints as JSON and as a table. Times in
 * milliseconds unless the name says otherwise; sizes in KiB; rates in Mbit/s. {@code latencyMs}
 * covers what {@code latencyOf} says (video, or audio+video with {@code --latency all});
 * {@code latencyAllMs} always covers audio and video messages.
 */
record Result(String label, String workload, int players, int connected, int failed, int playing, int noVideo,
              int disconnects, double rampSeconds, double windowSeconds,
              double deliveredMbps, double mediaMbps, double perPlayerKbps,
              double serverCpuSeconds, double serverCpuPercent, double cpuSecondsPerGbit,
              double idleCpuPercent, double marginalCpuSecondsPerGbit, List<ProcCpu> processes,
              double generatorCpuPercent, double machineBusyPercent,
              Percentiles ttffMs, Percentiles connectMs, Percentiles playMs, int keyframeStarts, double keyframeStartPercent,
              Percentiles latencyMs, String latencyOf, long latencySamples,
              Percentiles latencyAllMs, long latencyAllSamples, long latencyMisses, double publisherLateP99Ms,
              long stallEvents, int stalledPlayers,
              long rssBaselineKb, long rssPeakKb, long vmHwmKb, double rssPerPlayerKb,
              Long heapBaselineKb, Long heapEndKb, Double heapPerPlayerKb,
              List<String> failures) {

    record ProcCpu(long pid, String name, double cpuPercent, double sysPercent, long rssKb) {
    }

    record Percentiles(double p50, double p90, double p99, double p999, double max) {
        static Percentiles of(Histogram h, double scale) {
            return new Percentiles(h.percentile(0.5) * scale, h.percentile(0.9) * scale, h.percentile(0.99) * scale,
                    h.percentile(0.999) * scale, h.max() * scale);
        }

        static Percentiles ofSorted(long[] sorted, double scale) {
            if (sorted.length == 0) {
                return new Percentiles(0, 0, 0, 0, 0);
            }
            return new Percentiles(at(sorted, 0.5) * scale, at(sorted, 0.9) * scale, at(sorted, 0.99) * scale,
                    at(sorted, 0.999) * scale, sorted[sorted.length - 1] * scale);
        }

        private static long at(long[] sorted, double f) {
            int i = (int) Math.ceil(f * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }
    }

    /** A readable table of the figures that matter. */
    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "== %s  %s  players %d  (window %.0f s, ramp %.1f s)%n",
                label, workload, players, windowSeconds, rampSeconds));
        row(b, "players connected / failed / playing", connected + " / " + failed + " / " + playing
                + (noVideo > 0 ? "  (no video: " + noVideo + ")" : "")
                + (disconnects > 0 ? "  (disconnected: " + disconnects + ")" : ""));
        row(b, "delivered", f("%.1f Mbit/s (media %.1f, per player %.0f kbit/s)", deliveredMbps, mediaMbps,
                perPlayerKbps));
        row(b, "server CPU", f("%.1f %% of a core, %.3f CPU-s per delivered Gbit", serverCpuPercent,
                cpuSecondsPerGbit));
        row(b, "  without players / marginal", f("%.1f %% of a core / %.3f CPU-s per Gbit above that",
                idleCpuPercent, marginalCpuSecondsPerGbit));
        for (ProcCpu p : processes) {
            row(b, "  pid " + p.pid + " " + p.name, f("%.1f %% (system %.1f %%), RSS %d KiB", p.cpuPercent, p.sysPercent, p.rssKb));
        }
        row(b, "generator CPU / machine busy", f("%.1f %% / %.1f %% (of 2 cores = 200 %%)", generatorCpuPercent,
                machineBusyPercent));
        row(b, "time to first frame", f("p50 %.1f  p90 %.1f  p99 %.1f  max %.1f ms; key frame starts %d (%.1f %%)",
                ttffMs.p50, ttffMs.p90, ttffMs.p99, ttffMs.max, keyframeStarts, keyframeStartPercent));
        row(b, "  of which connect / play", f("p50 %.1f / %.1f ms, p99 %.1f / %.1f ms", connectMs.p50, playMs.p50,
                connectMs.p99, playMs.p99));
        row(b, "latency (" + latencyOf + ")", f("p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms (%d samples, %d unmatched)",
                latencyMs.p50, latencyMs.p90, latencyMs.p99, latencyMs.p999, latencyMs.max, latencySamples,
                latencyMisses));
        row(b, "latency (audio+video)", f("p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms (%d samples)",
                latencyAllMs.p50, latencyAllMs.p90, latencyAllMs.p99, latencyAllMs.p999, latencyAllMs.max,
                latencyAllSamples));
        row(b, "publisher pacing", f("p99 %.2f ms late", publisherLateP99Ms));
        row(b, "stalls (> 1 s without video)", stallEvents + " events, " + stalledPlayers + " players");
        row(b, "memory", f("RSS %d -> %d KiB (VmHWM %d), %.1f KiB per player", rssBaselineKb, rssPeakKb, vmHwmKb,
                rssPerPlayerKb));
        if (heapBaselineKb != null) {
            row(b, "live heap", f("%d -> %d KiB, %.1f KiB per player", heapBaselineKb, heapEndKb, heapPerPlayerKb));
        }
        if (!failures.isEmpty()) {
            row(b, "failures (first)", String.join("; ", failures));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append(String.format(Locale.ROOT, "  %-38s %s%n", name, value));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
