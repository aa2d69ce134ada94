package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the operator's API costs on a loaded server (issue 16, item 8), run while players watch:
 * <ol>
 *   <li>response times of {@code GET /metrics}, {@code /api/v1/streams}, {@code /api/v1/summary}
 *       and {@code /api/v1/clients?per_page=1000}, one request at a time, round robin, p50/p99/max,
 *       beside a static dashboard file as the floor;
 *   <li>the workers' and the master's CPU in windows without requests and windows with a scrape of
 *       {@code /metrics} every second, alternating, so both kinds see the same noise.
 * </ol>
 * The worker pids come from {@code /api/v1/workers}; CPU from {@code /proc/PID/stat}.
 *
 * <pre>
 * ApiLoad --api http://127.0.0.1:1985 [--requests 200] [--spacing-ms 50] [--windows 3] [--window 10]
 * </pre>
 */
public final class ApiLoad {

    /**
     * The last one is a floor: a static file the API's own thread answers without asking the
     * master loop or any worker, so it shows what the machine's scheduling alone costs.
     */
    private static final List<String> PATHS = List.of("/metrics", "/api/v1/streams", "/api/v1/summary",
            "/api/v1/clients?per_page=1000", "/dashboard/dashboard.css");

    private ApiLoad() {
    }

    public static void main(String[] args) throws Exception {
        String api = null;
        int requests = 200;
        long spacingMs = 50;
        int windows = 3;
        double windowSeconds = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--api" -> api = v;
                case "--requests" -> requests = Integer.parseInt(v);
                case "--spacing-ms" -> spacingMs = Long.parseLong(v);
                case "--windows" -> windows = Integer.parseInt(v);
                case "--window" -> windowSeconds = Double.parseDouble(v);
                default -> {
                    System.err.println("ApiLoad: unknown option " + args[i]);
                    System.exit(64);
                }
            }
        }
        if (api == null) {
            System.err.println("ApiLoad: --api URL is required");
            System.exit(64);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ObjectMapper json = new ObjectMapper();
        JsonNode summary = json.readTree(get(http, api + "/api/v1/summary").body());
        JsonNode workers = json.readTree(get(http, api + "/api/v1/workers").body()).get("workers");
        List<Long> workerPids = new ArrayList<>();
        workers.forEach(w -> workerPids.add(w.get("pid").asLong()));
        long masterPid = summary.get("pid").asLong();
        System.out.printf("server: %d workers, %d players, %d streams%n", workerPids.size(),
                summary.get("players").asInt(), summary.get("streams").asInt());

        System.out.println();
        System.out.println("| request (" + requests + " each, one at a time) | bytes | p50 | p99 | max |");
        System.out.println("|---|---|---|---|---|");
        long[][] micros = new long[PATHS.size()][requests];
        int[] size = new int[PATHS.size()];
        for (int i = 0; i < requests; i++) {
            for (int p = 0; p < PATHS.size(); p++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = get(http, api + PATHS.get(p));
                micros[p][i] = (System.nanoTime() - t0) / 1000;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(PATHS.get(p) + " answered " + r.statusCode() + ": " + r.body());
                }
                size[p] = r.body().length();
                Thread.sleep(spacingMs);
            }
        }
        for (int p = 0; p < PATHS.size(); p++) {
            long[] m = micros[p].clone();
            Arrays.sort(m);
            System.out.printf("| `GET %s` | %d | %.2f ms | %.2f ms | %.2f ms |%n", PATHS.get(p), size[p],
                    Percentiles.of(m, 0.5) / 1000.0, Percentiles.of(m, 0.99) / 1000.0, m[m.length - 1] / 1000.0);
        }

        System.out.println();
        System.out.println("| window (" + windowSeconds + " s each, alternating) | workers' CPU (% of one core) | master's CPU |");
        System.out.println("|---|---|---|");
        List<Double> quietWorkers = new ArrayList<>();
        List<Double> scrapeWorkers = new ArrayList<>();
        List<Double> quietMaster = new ArrayList<>();
        List<Double> scrapeMaster = new ArrayList<>();
        for (int w = 0; w < 2 * windows; w++) {
            boolean scrape = w % 2 == 1;
            long workers0 = ticks(workerPids);
            long master0 = ticks(List.of(masterPid));
            long t0 = System.nanoTime();
            long end = t0 + (long) (windowSeconds * 1e9);
            long next = t0;
            while (System.nanoTime() < end) {
                if (scrape && System.nanoTime() >= next) {
                    get(http, api + "/metrics");
                    next += 1_000_000_000L;
                }
                Thread.sleep(10);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double wc = 100.0 * (ticks(workerPids) - workers0) / ProcSampler.CLK_TCK / seconds;
            double mc = 100.0 * (ticks(List.of(masterPid)) - master0) / ProcSampler.CLK_TCK / seconds;
            (scrape ? scrapeWorkers : quietWorkers).add(wc);
            (scrape ? scrapeMaster : quietMaster).add(mc);
            System.out.printf("| %d: %s | %.1f %% | %.2f %% |%n", w + 1, scrape ? "a scrape of /metrics every second"
                    : "no requests", wc, mc);
        }
        System.out.printf("| median, no requests | %.1f %% (%s) | %.2f %% |%n", median(quietWorkers), range(quietWorkers),
                median(quietMaster));
        System.out.printf("| median, a scrape every second | %.1f %% (%s) | %.2f %% |%n", median(scrapeWorkers),
                range(scrapeWorkers), median(scrapeMaster));
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long ticks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            ProcSampler.Proc p = ProcSampler.read(pid);
            if (p != null) {
                sum += p.cpuTicks();
            }
        }
        return sum;
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String range(List<Double> values) {
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return String.format("%.1f–%.1f", min, max);
    }
}
