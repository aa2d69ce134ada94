package io.sluice.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command line of {@link LoadGenerator}. */
record Options(URI url, Path flv, int[] steps, double rampPerSecond, double warmupSeconds, double windowSeconds,
               double settleSeconds, List<Long> pids, int threads, String label, String workload, Path jsonOut,
               boolean heap, int recvBufferMax, int warmPlayers, URI playUrl, boolean audioLatency,
               boolean publish) {

    static final String USAGE = """
            usage: LoadGenerator --url rtmp://127.0.0.1:1935/live/bench --flv FILE [options]
              --url URL             where the publisher publishes (rtmp://host:port/app/name)
              --play-url URL        where players play: rtmp://... (RTMP) or http://host:port/app/name.flv
                                    (HTTP-FLV)                                                 [--url]
              --latency all|video   which messages the latency covers: video only, or audio too  [video]
              --players N[,N2,...]  players, or steps of a rising count (a window is measured at each)  [100]
              --ramp R              new players per second                                            [200]
              --warmup S            seconds between the end of a ramp and the measuring window          [5]
              --window S            seconds measured                                                   [20]
              --settle S            seconds measured with the publisher alone, before the first player   [3]
              --pids P1,P2          server processes (their descendants are included) for CPU and memory
              --threads T           player event loop threads                                            [2]
              --label TEXT          server label for the summary (e.g. sluice-1w)
              --workload TEXT       workload label for the summary (e.g. 2000k)
              --json-out FILE       append each summary as one JSON line
              --heap                measure live heap of the server's JVMs (jcmd GC.run + GC.heap_info)
              --recv-max BYTES      largest read a player does at once                              [262144]
              --warm N              players connected and closed before measuring (JIT warm-up)          [50]
              --no-publish          no publisher of its own: players play a stream someone else publishes
                                    (--play-url; latency is then not measured)
            """;

    static Options parse(String[] args) {
        URI url = null;
        Path flv = null;
        int[] steps = {100};
        double ramp = 200;
        double warmup = 5;
        double window = 20;
        double settle = 3;
        int warm = 50;
        List<Long> pids = new ArrayList<>();
        int threads = 2;
        String label = "server";
        String workload = "";
        Path jsonOut = null;
        boolean heap = false;
        int recvMax = 262144;
        URI playUrl = null;
        boolean audioLatency = false;
        boolean publish = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--heap")) {
                heap = true;
                continue;
            }
            if (a.equals("--no-publish")) {
                publish = false;
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--url" -> url = URI.create(v);
                case "--flv" -> flv = Path.of(v);
                case "--players" -> steps = java.util.Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--ramp" -> ramp = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--window" -> window = Double.parseDouble(v);
                case "--settle" -> settle = Double.parseDouble(v);
                case "--pids" -> {
                    for (String p : v.split(",")) {
                        if (!p.isBlank()) {
                            pids.add(Long.parseLong(p.trim()));
                        }
                    }
                }
                case "--threads" -> threads = Integer.parseInt(v);
                case "--label" -> label = v;
                case "--workload" -> workload = v;
                case "--json-out" -> jsonOut = Path.of(v);
                case "--recv-max" -> recvMax = Integer.parseInt(v);
                case "--warm" -> warm = Integer.parseInt(v);
                case "--play-url" -> playUrl = URI.create(v);
                case "--latency" -> {
                    if (!v.equals("all") && !v.equals("video")) {
                        throw new IllegalArgumentException("--latency is all or video, not " + v);
                    }
                    audioLatency = v.equals("all");
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (url == null || flv == null) {
            throw new IllegalArgumentException("--url and --flv are required");
        }
        if (playUrl == null) {
            playUrl = url;
        }
        String scheme = String.valueOf(playUrl.getScheme());
        if (!scheme.equals("rtmp") && !scheme.equals("http")) {
            throw new IllegalArgumentException("--play-url must be rtmp:// or http://, not " + playUrl);
        }
        return new Options(url, flv, steps, ramp, warmup, window, settle, pids, threads, label, workload, jsonOut,
                heap, recvMax, warm, playUrl, audioLatency, publish);
    }

    /** Whether players play HTTP-FLV (an http:// play URL) rather than RTMP. */
    boolean httpFlv() {
        return "http".equals(playUrl.getScheme());
    }

    /** The application part of the URL ("live" in rtmp://host/live/stream). */
    String app() {
        String path = url.getPath().substring(1);
        return path.substring(0, path.lastIndexOf('/'));
    }

    String stream() {
        String path = url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    java.net.InetSocketAddress address() {
        return new java.net.InetSocketAddress(url.getHost(), url.getPort() < 0 ? 1935 : url.getPort());
    }
}
