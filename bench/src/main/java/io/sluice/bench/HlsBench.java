package io.sluice.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HLS measured from outside, the same way for any server (issue 14, item 7).
 *
 * <p>{@code latency}: publishes the bench stream over RTMP and polls the media playlist every
 * {@code --poll-ms} from before the first segment exists. Every segment (and, with Low-Latency
 * HLS, every part) is noted when the playlist first lists it; its media interval comes from the
 * durations of the ones before it (the first segment starts at the publisher's first frame). For
 * each video frame: the moment it became fetchable (the first segment or part that contains it
 * was listed) minus the moment the publisher sent it. p50/p99/max over the frames after the
 * first {@code --skip} seconds. Also, per part (or per segment without parts): listed minus the
 * moment its last video frame was sent, p50/p99 (the issue's "every part fetchable within 100 ms of
 * its last frame being published").
 *
 * <p>{@code serve}: {@code --clients} players each poll the media playlist once a second and
 * fetch every new segment (or part) it lists, on keep-alive connections; while they do, the
 * server's processes' CPU is sampled: requests and bytes per CPU-second.
 *
 * <pre>
 * HlsBench latency --rtmp rtmp://127.0.0.1:1935/live/x --playlist http://127.0.0.1:8080/live/x/index.m3u8
 *                  --flv FILE [--seconds 40] [--skip 10] [--poll-ms 20] [--label sluice]
 * HlsBench serve   --playlist URL --pids P1,P2 [--clients 1000] [--seconds 30] [--label sluice]
 * </pre>
 * (The stream must already be published for {@code serve}.)
 */
public final class HlsBench {

    private HlsBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("latency") || args[0].equals("serve"))) {
            System.err.println("usage: HlsBench latency|serve [options] (see the class comment)");
            System.exit(64);
        }
        Map<String, String> o = new ConcurrentHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (args[0].equals("latency")) {
            latency(URI.create(o.get("rtmp")), URI.create(o.get("playlist")), Path.of(o.get("flv")),
                    Double.parseDouble(o.getOrDefault("seconds", "40")), Double.parseDouble(o.getOrDefault("skip", "10")),
                    Long.parseLong(o.getOrDefault("poll-ms", "20")), o.getOrDefault("label", "server"));
        } else {
            List<Long> pids = Arrays.stream(o.get("pids").split(",")).map(Long::parseLong).toList();
            serve(URI.create(o.get("playlist")), pids, Integer.parseInt(o.getOrDefault("clients", "1000")),
                    Double.parseDouble(o.getOrDefault("seconds", "30")), o.getOrDefault("label", "server"));
        }
        System.exit(0);
    }

    /** One media playlist's entries: segments and parts, in order, with their durations. */
    record Entry(String uri, double seconds, boolean part) {
    }

    /** Segments and parts of a media playlist (EXTINF + URI lines; EXT-X-PART with URI and DURATION). */
    static List<Entry> parse(String playlist) {
        List<Entry> out = new ArrayList<>();
        double extinf = -1;
        for (String line : playlist.split("\n")) {
            line = line.trim();
            if (line.startsWith("#EXTINF:")) {
                String v = line.substring(8);
                int comma = v.indexOf(',');
                extinf = Double.parseDouble(comma < 0 ? v : v.substring(0, comma));
            } else if (line.startsWith("#EXT-X-PART:")) {
                String uri = attribute(line, "URI");
                String d = attribute(line, "DURATION");
                if (uri != null && d != null) {
                    out.add(new Entry(uri, Double.parseDouble(d), true));
                }
            } else if (!line.isEmpty() && !line.startsWith("#") && extinf >= 0) {
                out.add(new Entry(line, extinf, false));
                extinf = -1;
            }
        }
        return out;
    }

    private static String attribute(String line, String name) {
        int i = line.indexOf(name + "=");
        if (i < 0) {
            return null;
        }
        int start = i + name.length() + 1;
        if (line.charAt(start) == '"') {
            return line.substring(start + 1, line.indexOf('"', start + 1));
        }
        int end = line.indexOf(',', start);
        return line.substring(start, end < 0 ? line.length() : end);
    }

    private static void latency(URI rtmp, URI playlist, Path flv, double seconds, double skip, long pollMs,
                                String label) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("publisher"),
                EpollIoHandler.newFactory());
        String[] path = rtmp.getPath().substring(1).split("/", 2);
        Publisher publisher = new Publisher(flv, new SendClock(), 0);
        // Media intervals, in seconds of stream time, with the nanoTime they were first listed.
        List<double[]> segments = new ArrayList<>(); // {start, end, seenNanos}
        List<double[]> parts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        double segmentEnd = 0;
        double partEnd = 0;
        long polls = 0;
        try {
            publisher.start(group, new InetSocketAddress(rtmp.getHost(), rtmp.getPort()), path[0], path[1]);
            // The publisher's clock starts on its event loop, just after start() returns.
            long waitUntil = System.nanoTime() + 5_000_000_000L;
            while (publisher.startNanos() == 0 && System.nanoTime() < waitUntil) {
                Thread.sleep(1);
            }
            long start = publisher.startNanos();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                HttpResponse<String> r;
                try {
                    r = http.send(HttpRequest.newBuilder(playlist).timeout(Duration.ofSeconds(5)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException e) {
                    r = null;
                }
                long now = System.nanoTime();
                polls++;
                if (r != null && r.statusCode() == 200) {
                    for (Entry e : parse(r.body())) {
                        if (!seen.add(e.uri())) {
                            continue;
                        }
                        if (e.part()) {
                            // Parts of the segment after the last complete one, in order.
                            parts.add(new double[] {Math.max(partEnd, segmentEnd), Math.max(partEnd, segmentEnd) + e.seconds(), now});
                            partEnd = Math.max(partEnd, segmentEnd) + e.seconds();
                        } else {
                            segments.add(new double[] {segmentEnd, segmentEnd + e.seconds(), now});
                            segmentEnd += e.seconds();
                        }
                    }
                }
                Thread.sleep(pollMs);
            }
            // Video frames at the file's frame rate: 30 fps for the bench's streams.
            List<Long> latencies = new ArrayList<>();
            for (double t = skip; t < segmentEnd; t += 1.0 / 30) {
                long at = Long.MAX_VALUE;
                for (double[] s : segments) {
                    if (t >= s[0] && t < s[1]) {
                        at = Math.min(at, (long) s[2]);
                    }
                }
                for (double[] p : parts) {
                    if (t >= p[0] && t < p[1]) {
                        at = Math.min(at, (long) p[2]);
                    }
                }
                if (at != Long.MAX_VALUE) {
                    latencies.add((at - start - (long) (t * 1e9)) / 1000);
                }
            }
            long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            // Each segment or part (parts when there are any: they are what LL-HLS players fetch):
            // listed minus the moment its last video frame was sent.
            List<Long> lags = new ArrayList<>();
            for (double[] e : parts.isEmpty() ? segments : parts) {
                if (e[0] >= skip) {
                    lags.add(((long) e[2] - start - (long) ((e[1] - 1.0 / 30) * 1e9)) / 1000);
                }
            }
            long[] g = lags.stream().mapToLong(Long::longValue).sorted().toArray();
            if (l.length == 0 || g.length == 0) {
                System.out.printf("| %s | no segment listed in %.0f s (%d polls) |%n", label, seconds, polls);
                return;
            }
            System.out.printf("| %s | %d segments, %d parts | %d frames | %.0f ms | %.0f ms | %.0f ms | %s: %.0f / %.0f ms |%n",
                    label, segments.size(), parts.size(), l.length, Percentiles.of(l, 0.5) / 1000.0, Percentiles.of(l, 0.99) / 1000.0,
                    l[l.length - 1] / 1000.0, parts.isEmpty() ? "segments" : "parts", Percentiles.of(g, 0.5) / 1000.0,
                    Percentiles.of(g, 0.99) / 1000.0);
        } finally {
            publisher.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private static void serve(URI playlist, List<Long> pids, int clients, double seconds, String label)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).connectTimeout(Duration.ofSeconds(10)).build();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AtomicLong requests = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        ProcSampler sampler = new ProcSampler(pids);
        long[] stop = {Long.MAX_VALUE};
        List<Client> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Client c = new Client(http, timer, playlist, requests, bytes, failures, stop);
            all.add(c);
            // Spread over the first second, as players that did not all start together.
            timer.schedule(c::poll, (long) (1000.0 * i / clients), TimeUnit.MILLISECONDS);
        }
        Thread.sleep(5000); // every client has its first playlist and segment
        long r0 = requests.get();
        long b0 = bytes.get();
        long f0 = failures.get();
        long cpu0 = cpu(sampler);
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (cpu(sampler) - cpu0) / (double) ProcSampler.CLK_TCK;
        long r = requests.get() - r0;
        long b = bytes.get() - b0;
        stop[0] = 0;
        System.out.printf("| %s | %d clients | %.0f requests/s | %.1f MB/s | server CPU %.1f %% | %.0f requests per CPU-s"
                        + " | %.1f MB per CPU-s | failures %d |%n", label, clients, r / elapsed, b / elapsed / 1e6,
                100 * cpuSeconds / elapsed, r / Math.max(cpuSeconds, 1e-9), b / 1e6 / Math.max(cpuSeconds, 1e-9),
                failures.get() - f0);
        timer.shutdownNow();
    }

    private static long cpu(ProcSampler sampler) {
        return sampler.sample().values().stream().mapToLong(ProcSampler.Proc::cpuTicks).sum();
    }

    /** One HLS player: the playlist every second, then whatever it lists that this player has not fetched. */
    private static final class Client {
        private final HttpClient http;
        private final ScheduledExecutorService timer;
        private final URI playlist;
        private final AtomicLong requests;
        private final AtomicLong bytes;
        private final AtomicLong failures;
        private final long[] stop;
        private final Set<String> fetched = new HashSet<>();
        private boolean first = true;

        Client(HttpClient http, ScheduledExecutorService timer, URI playlist, AtomicLong requests, AtomicLong bytes,
               AtomicLong failures, long[] stop) {
            this.http = http;
            this.timer = timer;
            this.playlist = playlist;
            this.requests = requests;
            this.bytes = bytes;
            this.failures = failures;
            this.stop = stop;
        }

        void poll() {
            if (stop[0] == 0) {
                return;
            }
            get(playlist, HttpResponse.BodyHandlers.ofString()).thenCompose(r -> {
                List<Entry> entries = r == null || r.statusCode() != 200 ? List.of() : parse(r.body());
                List<Entry> wanted = new ArrayList<>();
                for (Entry e : entries) {
                    // A player joining starts at the newest segment; then it fetches everything new.
                    if (!e.part() && fetched.add(e.uri()) && (!first || e == lastSegment(entries))) {
                        wanted.add(e);
                    }
                }
                first = false;
                CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
                for (Entry e : wanted) {
                    chain = chain.thenCompose(x -> get(playlist.resolve(e.uri()), HttpResponse.BodyHandlers.discarding()));
                }
                return chain;
            }).whenComplete((x, error) -> timer.schedule(this::poll, 1, TimeUnit.SECONDS));
        }

        private static Entry lastSegment(List<Entry> entries) {
            for (int i = entries.size() - 1; i >= 0; i--) {
                if (!entries.get(i).part()) {
                    return entries.get(i);
                }
            }
            return null;
        }

        private <T> CompletableFuture<HttpResponse<T>> get(URI uri, HttpResponse.BodyHandler<T> body) {
            return http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(), body)
                    .handle((r, error) -> {
                        requests.incrementAndGet();
                        if (error != null || r.statusCode() != 200) {
                            failures.incrementAndGet();
                            return r;
                        }
                        r.headers().firstValueAsLong("content-length").ifPresent(bytes::addAndGet);
                        return r;
                    });
        }
    }
}
