package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The regression guard of {@code bench/run.sh --quick}: this run's ratios of Sluice to nginx-rtmp
 * (1 worker each, 2 Mbit/s, medians over the run's repetitions) against the same ratios in the
 * committed baseline ({@code bench/baseline.json}, the run the README's figures come from). Ratios
 * and not absolute figures, because the machine's load moves both servers; each ratio may grow
 * by its tolerance before it counts as a regression. One line, and an exit code:
 * 0 ok, 1 regression, 2 not judged (a figure missing from the run or the baseline).
 *
 * <pre>
 * Verdict --results RESULTS.jsonl --baseline bench/baseline.json        print the verdict
 * Verdict --results RESULTS.jsonl --write-baseline FILE --run ID --load "L1 L2 L3"
 * </pre>
 */
public final class Verdict {

    static final String SLUICE = "sluice-1w";
    static final String NGINX = "nginx-1w";
    static final String WORKLOAD = "2000k";

    /** A figure compared as a ratio Sluice / nginx-rtmp; lower is better for all of them. */
    record Figure(String key, String text, int players, String field, String sub) {
        double of(JsonNode result) {
            JsonNode n = result.path(field);
            return sub == null ? n.asDouble() : n.path(sub).asDouble();
        }
    }

    static final List<Figure> FIGURES = List.of(
            new Figure("cpu_1000", "1000 players", 1000, "cpuSecondsPerGbit", null),
            new Figure("cpu_100", "100 players", 100, "cpuSecondsPerGbit", null),
            new Figure("p99_all_1000", "p99 all media 1000", 1000, "latencyAllMs", "p99"),
            new Figure("p99_all_100", "p99 all media 100", 100, "latencyAllMs", "p99"));

    /** Tolerances when the baseline names none: CPU ±25 %; p99 latency, a noisier figure, ±50 %. */
    static final Map<String, Double> DEFAULT_TOLERANCE = Map.of("cpu", 0.25, "p99", 0.50);

    record Outcome(int exitCode, String line) {
    }

    private Verdict() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        if (!a.containsKey("--results")) {
            System.err.println("usage: Verdict --results FILE (--baseline FILE | --write-baseline FILE --run ID --load L)");
            System.exit(64);
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> results = load(json, Path.of(a.get("--results")));
        if (a.containsKey("--write-baseline")) {
            ObjectNode b = baseline(json, results, a.getOrDefault("--run", "?"), a.getOrDefault("--load", "?"));
            Files.writeString(Path.of(a.get("--write-baseline")),
                    json.writerWithDefaultPrettyPrinter().writeValueAsString(b) + "\n");
            return;
        }
        Path baseline = Path.of(a.getOrDefault("--baseline", "bench/baseline.json"));
        Outcome o = Files.exists(baseline) ? judge(results, json.readTree(baseline.toFile()))
                : new Outcome(2, "VERDICT not judged: no baseline at " + baseline);
        System.out.println(o.line());
        System.exit(o.exitCode());
    }

    static List<JsonNode> load(ObjectMapper json, Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("{")) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    /** Median of one figure over the run's results of a server at a player count; NaN when there are none. */
    static double median(List<JsonNode> results, String label, int players, Function<JsonNode, Double> f) {
        List<JsonNode> runs = results.stream().filter(r -> r.path("label").asText().equals(label)
                && r.path("workload").asText().equals(WORKLOAD) && r.path("players").asInt() == players
                && r.has("latencyAllMs")).toList();
        return Report.median(runs, f);
    }

    /** This run's ratio for a figure; NaN when either server lacks it. */
    static double ratio(List<JsonNode> results, Figure fig) {
        double s = median(results, SLUICE, fig.players(), fig::of);
        double n = median(results, NGINX, fig.players(), fig::of);
        return Double.isNaN(s) || Double.isNaN(n) || n <= 0 ? Double.NaN : s / n;
    }

    static Outcome judge(List<JsonNode> results, JsonNode baseline) {
        List<String> parts = new ArrayList<>();
        List<String> worse = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Figure fig : FIGURES) {
            double now = ratio(results, fig);
            JsonNode b = baseline.path("ratios").path(fig.key());
            if (Double.isNaN(now) || !b.isNumber()) {
                missing.add(fig.text());
                continue;
            }
            String kind = fig.key().substring(0, fig.key().indexOf('_'));
            double tol = baseline.path("tolerance").path(kind).asDouble(DEFAULT_TOLERANCE.get(kind));
            double base = b.asDouble();
            boolean regressed = now > base * (1 + tol);
            String part = String.format(Locale.ROOT, "%s %.2f× nginx-rtmp (baseline %.2f×, tolerance ±%.0f %%)",
                    fig.text(), now, base, 100 * tol);
            parts.add(regressed ? part + " REGRESSED" : part);
            if (regressed) {
                worse.add(fig.text());
            }
        }
        String against = "; baseline run " + baseline.path("run").asText("?");
        if (!worse.isEmpty()) {
            return new Outcome(1, "VERDICT regression (" + String.join(", ", worse) + "): " + String.join("; ", parts)
                    + against);
        }
        if (!missing.isEmpty()) {
            return new Outcome(2, "VERDICT not judged (missing: " + String.join(", ", missing) + ")"
                    + (parts.isEmpty() ? "" : ": " + String.join("; ", parts)) + against);
        }
        return new Outcome(0, "VERDICT ok: " + String.join("; ", parts) + against);
    }

    /**
     * The baseline of a run: its ratios and the medians they come from, for every server of the
     * 2 Mbit/s rows (what the README's table shows).
     */
    static ObjectNode baseline(ObjectMapper json, List<JsonNode> results, String run, String load) {
        ObjectNode b = json.createObjectNode();
        b.put("run", run);
        b.put("load", load);
        ObjectNode tol = b.putObject("tolerance");
        tol.put("cpu", DEFAULT_TOLERANCE.get("cpu"));
        tol.put("p99", DEFAULT_TOLERANCE.get("p99"));
        ObjectNode ratios = b.putObject("ratios");
        for (Figure fig : FIGURES) {
            double r = ratio(results, fig);
            if (!Double.isNaN(r)) {
                ratios.put(fig.key(), Math.round(r * 1000) / 1000.0);
            }
        }
        ObjectNode medians = b.putObject("medians");
        List<String> labels = new ArrayList<>(List.of(SLUICE, NGINX));
        results.stream().filter(r -> r.path("workload").asText().equals(WORKLOAD))
                .map(r -> r.path("label").asText()).distinct().filter(l -> !labels.contains(l)).forEach(labels::add);
        for (String label : labels) {
            ObjectNode l = medians.putObject(label);
            for (int players : List.of(100, 1000)) {
                ObjectNode p = l.putObject(Integer.toString(players));
                put(p, "cpuSecondsPerGbit", median(results, label, players, Report.field("cpuSecondsPerGbit")));
                put(p, "latencyP99Ms", median(results, label, players, Report.field("latencyMs", "p99")));
                put(p, "latencyAllP50Ms", median(results, label, players, Report.field("latencyAllMs", "p50")));
                put(p, "latencyAllP99Ms", median(results, label, players, Report.field("latencyAllMs", "p99")));
                put(p, "latencyAllMaxMs", median(results, label, players, Report.field("latencyAllMs", "max")));
                put(p, "rssPerPlayerKb", median(results, label, players, Report.field("rssPerPlayerKb")));
            }
        }
        return b;
    }

    private static void put(ObjectNode n, String name, double v) {
        if (!Double.isNaN(v)) {
            n.put(name, Math.round(v * 1000) / 1000.0);
        }
    }
}
