package io.sluice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load generator: one RTMP publisher sends an FLV file in real time, players (RTMP or HTTP-FLV,
 * see {@link Options}) join at a fixed
 * rate, and at each step (a player count) a window is measured: server CPU and memory from
 * /proc, delivered bytes, time to first frame, latency, stalls. Prints a table and one JSON line
 * per step.
 *
 * <p>Cheap per byte by construction: players skim media in the chunk decoder (no payload copy, no
 * AMF), read up to {@code --recv-max} bytes per read, and keep their counters per event loop
 * without atomics. Its own CPU is reported so a starved server shows.
 */
public final class LoadGenerator {

    /** Whether players record latency now (only inside a window). */
    static final class Measuring {
        volatile boolean on;
    }

    private final Options options;
    private final ProcSampler sampler;
    private final SendClock clock;
    private final Measuring measuring = new Measuring();
    private final List<Player> players = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private EventLoopGroup group;
    private EventLoopGroup publisherGroup;
    private double idleCpuPercent;

    private LoadGenerator(Options options) {
        this.options = options;
        this.sampler = new ProcSampler(options.pids());
        // Audio send times are always kept: the all-media latency is measured in every run.
        this.clock = new SendClock(true);
    }

    public static void main(String[] args) throws Exception {
        // sluice-common's jar carries the server's logback.xml; the generator logs warnings to stderr.
        System.setProperty("logback.configurationFile",
                System.getProperty("logback.configurationFile", "bench-logback.xml"));
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("LoadGenerator: " + e.getMessage());
            }
            System.err.print(Options.USAGE);
            System.exit(64);
            return;
        }
        int code = new LoadGenerator(options).run();
        System.exit(code);
    }

    private int run() throws Exception {
        group = new MultiThreadIoEventLoopGroup(options.threads(), new DefaultThreadFactory("player"),
                EpollIoHandler.newFactory());
        publisherGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("publisher"),
                EpollIoHandler.newFactory());
        Publisher publisher = new Publisher(options.flv(), clock, 0);
        try {
            if (options.publish()) {
                publisher.start(publisherGroup, options.address(), options.app(), options.stream());
            }
            warmUp(options.warmPlayers());
            // The server with its publisher and no players: its CPU here is the fixed cost the
            // players' share is measured above (idleCpuPercent).
            Map<Long, ProcSampler.Proc> idleBefore = sampler.sample();
            long idleT0 = System.nanoTime();
            sleep(options.settleSeconds());
            Map<Long, ProcSampler.Proc> idleAfter = sampler.sample();
            idleCpuPercent = 100.0 * cpuTicks(idleBefore, idleAfter) / ProcSampler.CLK_TCK
                    / ((System.nanoTime() - idleT0) / 1e9);
            long rssBaseline = rssSum(idleAfter);
            Map<Long, Long> heapBaseline = options.heap() ? JvmHeap.measure(sampler.sample().keySet()) : Map.of();
            double rampRate = options.rampPerSecond();
            for (int s = 0; s < options.steps().length; s++) {
                int target = options.steps()[s];
                int from = players.size();
                long rampStart = System.nanoTime();
                ramp(target, rampRate);
                double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
                sleep(options.warmupSeconds());
                Result r = window(publisher, from, target, rampSeconds, rssBaseline, heapBaseline,
                        s == options.steps().length - 1);
                System.out.print(r.table());
                String line = json.writeValueAsString(r);
                System.out.println(line);
                System.out.flush();
                if (options.jsonOut() != null) {
                    Files.writeString(options.jsonOut(), line + "\n", StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
                if (options.publish() && publisher.isClosed()) {
                    System.err.println("LoadGenerator: the publisher's connection closed; stopping");
                    return 2;
                }
            }
            return 0;
        } finally {
            for (Player p : players) {
                p.close();
            }
            publisher.close();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            publisherGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Connects {@code n} players, waits for their first frame and closes them: the generator's
     * and the server's JIT compile the connect and play paths before anything is measured.
     */
    private void warmUp(int n) throws InterruptedException {
        if (n <= 0) {
            return;
        }
        List<Player> warm = new ArrayList<>();
        List<CompletableFuture<Player>> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Player p = new Player(clock, measuring, options.audioLatency());
            warm.add(p);
            started.add(startPlayer(p));
            Thread.sleep(10);
        }
        try {
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            System.err.println("LoadGenerator: warm-up players did not all start");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && warm.stream().anyMatch(p -> !p.failed && p.firstVideoNanos == 0)) {
            Thread.sleep(50);
        }
        warm.forEach(Player::close);
        Thread.sleep(1000);
    }

    private CompletableFuture<Player> startPlayer(Player p) {
        if (options.httpFlv()) {
            return p.startHttpFlv(group, options.playUrl(), options.recvBufferMax());
        }
        URI play = options.playUrl();
        String path = play.getPath().substring(1);
        int slash = path.lastIndexOf('/');
        return p.start(group, new InetSocketAddress(play.getHost(), play.getPort() < 0 ? 1935 : play.getPort()),
                path.substring(0, slash), path.substring(slash + 1), options.recvBufferMax());
    }

    private static long cpuTicks(Map<Long, ProcSampler.Proc> before, Map<Long, ProcSampler.Proc> after) {
        long ticks = 0;
        for (ProcSampler.Proc p : after.values()) {
            ProcSampler.Proc b = before.get(p.pid());
            ticks += p.cpuTicks() - (b == null ? 0 : b.cpuTicks());
        }
        return ticks;
    }

    /** Starts players until there are {@code target}, {@code rate} per second, and waits until each played or failed. */
    private void ramp(int target, double rate) throws InterruptedException {
        List<CompletableFuture<Player>> started = new ArrayList<>();
        long t0 = System.nanoTime();
        int n = target - players.size();
        for (int i = 0; i < n; i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Player p = new Player(clock, measuring, options.audioLatency());
            players.add(p);
            started.add(startPlayer(p));
        }
        try {
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            System.err.println("LoadGenerator: not every player started within 30 s of the ramp");
        }
    }

    private Result window(Publisher publisher, int from, int to, double rampSeconds, long rssBaseline,
                          Map<Long, Long> heapBaseline, boolean last) throws Exception {
        double window = options.windowSeconds();
        List<ThreadStats.Snapshot> before = snapshotThreads(true);
        long bytesBefore = bytesIn();
        Map<Long, ProcSampler.Proc> cpuBefore = sampler.sample();
        long selfBefore = selfCpuNanos();
        long[] machineBefore = ProcSampler.machine();
        long t0 = System.nanoTime();
        measuring.on = true;

        long rssPeak = rssSum(cpuBefore);
        long deadline = t0 + (long) (window * 1e9);
        while (System.nanoTime() < deadline) {
            sleep(Math.min(1.0, (deadline - System.nanoTime()) / 1e9));
            rssPeak = Math.max(rssPeak, rssSum(sampler.sample()));
        }

        measuring.on = false;
        long t1 = System.nanoTime();
        List<ThreadStats.Snapshot> after = snapshotThreads(false);
        long bytesAfter = bytesIn();
        Map<Long, ProcSampler.Proc> cpuAfter = sampler.sample();
        long selfAfter = selfCpuNanos();
        long[] machineAfter = ProcSampler.machine();
        double seconds = (t1 - t0) / 1e9;

        // CPU of the server tree: each process's ticks over the window (a process born during it counts from 0).
        long ticks = 0;
        List<Result.ProcCpu> procs = new ArrayList<>();
        long hwm = 0;
        for (ProcSampler.Proc p : cpuAfter.values()) {
            ProcSampler.Proc b = cpuBefore.get(p.pid());
            long d = p.cpuTicks() - (b == null ? 0 : b.cpuTicks());
            ticks += d;
            hwm += p.hwmKb();
            long sys = p.sysTicks() - (b == null ? 0 : b.sysTicks());
            procs.add(new Result.ProcCpu(p.pid(), p.name(), 100.0 * d / ProcSampler.CLK_TCK / seconds,
                    100.0 * sys / ProcSampler.CLK_TCK / seconds, p.rssKb()));
        }
        double serverCpuSeconds = (double) ticks / ProcSampler.CLK_TCK;
        long deliveredBytes = bytesAfter - bytesBefore;
        double deliveredMbps = deliveredBytes * 8 / seconds / 1e6;
        long mediaBytes = sum(after, ThreadStats.Snapshot::mediaBytes) - sum(before, ThreadStats.Snapshot::mediaBytes);
        double gbit = deliveredBytes * 8 / 1e9;

        Histogram latency = new Histogram();
        after.forEach(s -> latency.add(s.latency()));
        Histogram latencyAll = new Histogram();
        after.forEach(s -> latencyAll.add(s.latencyAll()));
        long stalls = sum(after, ThreadStats.Snapshot::stalls) - sum(before, ThreadStats.Snapshot::stalls);
        long misses = sum(after, ThreadStats.Snapshot::latencyMisses) - sum(before, ThreadStats.Snapshot::latencyMisses);

        // Players of this step: start outcome, time to first frame, key frame starts.
        List<Player> step = players.subList(from, to);
        int failed = 0;
        int noVideo = 0;
        int keyStarts = 0;
        List<Long> ttff = new ArrayList<>();
        List<Long> connectTimes = new ArrayList<>();
        List<Long> playTimes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Player p : step) {
            if (p.failed) {
                failed++;
                if (failures.size() < 3) {
                    failures.add(p.failure);
                }
            } else if (p.firstVideoNanos == 0) {
                noVideo++;
            } else {
                ttff.add(p.firstVideoNanos - p.startNanos);
                if (p.connectedNanos != 0 && p.playStartedNanos != 0) {
                    connectTimes.add(p.connectedNanos - p.startNanos);
                    playTimes.add(p.playStartedNanos - p.connectedNanos);
                }
                if (p.firstWasKey) {
                    keyStarts++;
                }
            }
        }
        int playing = 0;
        int disconnects = 0;
        int stalledNow = 0;
        int stalledPlayers = 0;
        for (Player p : players) {
            if (p.playing()) {
                playing++;
            }
            if (p.disconnected && !p.failed) {
                disconnects++;
            }
            if (p.stalledAt(t1)) {
                stalledNow++;
            }
        }
        stalledPlayers = stalledNow;
        long[] sortedTtff = ttff.stream().mapToLong(Long::longValue).sorted().toArray();
        int connected = to - failed;

        long rssPerPlayerBase = Math.max(0, rssPeak - rssBaseline);
        Long heapBase = null;
        Long heapEnd = null;
        Double heapPer = null;
        if (options.heap() && last) {
            Map<Long, Long> end = JvmHeap.measure(cpuAfter.keySet());
            heapBase = heapBaseline.values().stream().mapToLong(Long::longValue).sum();
            heapEnd = end.values().stream().mapToLong(Long::longValue).sum();
            heapPer = connected == 0 ? 0.0 : (double) (heapEnd - heapBase) / connected;
        }
        return new Result(options.label(), options.workload(), to, connected, failed, playing, noVideo,
                disconnects, rampSeconds, seconds,
                deliveredMbps, mediaBytes * 8 / seconds / 1e6, playing == 0 ? 0 : deliveredMbps * 1000 / playing,
                serverCpuSeconds, 100 * serverCpuSeconds / seconds, gbit == 0 ? 0 : serverCpuSeconds / gbit,
                idleCpuPercent,
                gbit == 0 ? 0 : Math.max(0, serverCpuSeconds - idleCpuPercent / 100 * seconds) / gbit, procs,
                100.0 * (selfAfter - selfBefore) / 1e9 / seconds,
                100.0 * 2 * (machineAfter[0] - machineBefore[0]) / Math.max(1, machineAfter[1] - machineBefore[1]),
                Result.Percentiles.ofSorted(sortedTtff, 1e-6),
                Result.Percentiles.ofSorted(connectTimes.stream().mapToLong(Long::longValue).sorted().toArray(), 1e-6),
                Result.Percentiles.ofSorted(playTimes.stream().mapToLong(Long::longValue).sorted().toArray(), 1e-6),
                keyStarts,
                ttff.isEmpty() ? 0 : 100.0 * keyStarts / ttff.size(),
                Result.Percentiles.of(latency, 1e-3), options.audioLatency() ? "audio+video" : "video",
                latency.count(), Result.Percentiles.of(latencyAll, 1e-3), latencyAll.count(), misses,
                options.publish() ? publisher.lateness().percentile(0.99) / 1000.0 : 0,
                stalls + stalledNow, stalledPlayers,
                rssBaseline, rssPeak, hwm, connected == 0 ? 0 : (double) rssPerPlayerBase / connected,
                heapBase, heapEnd, heapPer, failures);
    }

    /** Copies every loop's counters; with {@code resetLatency} the latency histograms restart. */
    private List<ThreadStats.Snapshot> snapshotThreads(boolean resetLatency) throws Exception {
        List<Future<ThreadStats.Snapshot>> futures = new ArrayList<>();
        for (EventExecutor e : group) {
            futures.add(e.submit(() -> {
                ThreadStats s = ThreadStats.current();
                ThreadStats.Snapshot snap = s.snapshot();
                if (resetLatency) {
                    s.latency.reset();
                    s.latencyAll.reset();
                }
                return snap;
            }));
        }
        List<ThreadStats.Snapshot> out = new ArrayList<>();
        for (Future<ThreadStats.Snapshot> f : futures) {
            out.add(f.get(10, TimeUnit.SECONDS));
        }
        return out;
    }

    private static long sum(List<ThreadStats.Snapshot> list, java.util.function.ToLongFunction<ThreadStats.Snapshot> f) {
        return list.stream().mapToLong(f).sum();
    }

    private long bytesIn() {
        long total = 0;
        for (Player p : players) {
            total += p.bytesIn();
        }
        return total;
    }

    private static long rssSum(Map<Long, ProcSampler.Proc> procs) {
        return procs.values().stream().mapToLong(ProcSampler.Proc::rssKb).sum();
    }

    private static long selfCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void sleep(double seconds) throws InterruptedException {
        if (seconds > 0) {
            Thread.sleep((long) (seconds * 1000));
        }
    }

    /** Live heap of JVM processes, through jcmd: a full GC first, then the used size of the generations. */
    static final class JvmHeap {
        private static final Pattern USED = Pattern.compile("(generation|heap)\\s+total \\d+K, used (\\d+)K");

        static Map<Long, Long> measure(Iterable<Long> pids) throws IOException, InterruptedException {
            Map<Long, Long> out = new LinkedHashMap<>();
            for (long pid : pids) {
                String cmd = ProcSampler.cmdline(pid);
                if (!cmd.contains("java") || cmd.contains("MasterMain")) {
                    continue;
                }
                run("jcmd", Long.toString(pid), "GC.run");
                String info = run("jcmd", Long.toString(pid), "GC.heap_info");
                Matcher m = USED.matcher(info);
                long used = 0;
                while (m.find()) {
                    used += Long.parseLong(m.group(2));
                }
                out.put(pid, used);
            }
            return out;
        }

        private static String run(String... cmd) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(Arrays.asList(cmd)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        }
    }
}
