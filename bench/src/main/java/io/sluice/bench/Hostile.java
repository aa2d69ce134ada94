package io.sluice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.bench.hostile.Attack;
import io.sluice.bench.hostile.Swarm;
import io.sluice.bench.hostile.Tally;
import io.sluice.bench.hostile.Target;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The hostile-client benchmark against one RTMP server: for each attack kind, a publisher sends
 * the generated 2 Mbit/s stream, honest players watch it, a baseline window is measured, then
 * the attack runs for a window (plus a cooldown after its connections closed) while the honest
 * players' gaps, the media they received, whether they were dropped, the server's memory (RSS of
 * the given processes and their descendants) and its restarted processes are recorded. Prints a
 * block per attack and appends one JSON line ({@link HostileResult}).
 *
 * <p>Honest players, the publisher and the attackers run on separate event loops; how late the
 * honest loops ran is reported, so a gap the generator caused itself shows as such.
 */
public final class Hostile {

    private final HostileOptions options;
    private final ProcSampler sampler;
    private final ObjectMapper json = new ObjectMapper();
    private EventLoopGroup honestGroup;
    private EventLoopGroup publisherGroup;
    private EventLoopGroup attackGroup;
    private LoopLag lag;

    private Hostile(HostileOptions options) {
        this.options = options;
        this.sampler = new ProcSampler(options.pids());
    }

    public static void main(String[] args) throws Exception {
        // Attackers make the RTMP client log a warning per refused connection: errors only here.
        System.setProperty("logback.configurationFile",
                System.getProperty("logback.configurationFile", "hostile-logback.xml"));
        HostileOptions options;
        try {
            options = HostileOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("Hostile: " + e.getMessage());
            }
            System.err.print(HostileOptions.USAGE);
            System.exit(64);
            return;
        }
        measure(options);
        System.exit(0);
    }

    /**
     * Runs every attack of {@code options} in turn against the server; prints each result and
     * appends it to the JSON file when one is given.
     */
    static List<HostileResult> measure(HostileOptions options) throws Exception {
        return new Hostile(options).run(options.buildAttacks());
    }

    private List<HostileResult> run(List<Attack> attacks) throws Exception {
        honestGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("honest"), EpollIoHandler.newFactory());
        publisherGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("publisher"),
                EpollIoHandler.newFactory());
        attackGroup = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("attack"), EpollIoHandler.newFactory());
        lag = new LoopLag(honestGroup, publisherGroup);
        List<HostileResult> results = new ArrayList<>();
        try {
            for (Attack attack : attacks) {
                HostileResult r = runOne(attack);
                results.add(r);
                System.out.print(r.table());
                String line = json.writeValueAsString(r);
                System.out.println(line);
                System.out.flush();
                if (options.jsonOut() != null) {
                    Files.writeString(options.jsonOut(), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
            return results;
        } finally {
            lag.close();
            for (EventLoopGroup g : List.of(attackGroup, honestGroup, publisherGroup)) {
                g.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            }
        }
    }

    private HostileResult runOne(Attack attack) throws Exception {
        String stream = options.stream() + "-" + attack.kind();
        List<HonestPlayer> players = new ArrayList<>();
        List<HonestPlayer> late = new ArrayList<>();
        Publisher publisher = new Publisher(options.flv(), new SendClock(), 0);
        try {
            try {
                publisher.start(publisherGroup, options.address(), options.app(), stream);
            } catch (Exception e) {
                return fail(attack, "the honest publisher did not start: " + e);
            }
            List<CompletableFuture<HonestPlayer>> started = new ArrayList<>();
            for (int i = 0; i < options.players(); i++) {
                HonestPlayer p = new HonestPlayer();
                players.add(p);
                started.add(p.start(honestGroup, options.address(), options.app(), stream));
                Thread.sleep(10);
            }
            try {
                CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                return fail(attack, "the honest players' set-up did not end within 30 s");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && !players.stream().allMatch(HonestPlayer::playing)) {
                Thread.sleep(50);
            }
            List<HonestPlayer> notPlaying = players.stream().filter(p -> !p.playing()).toList();
            if (!notPlaying.isEmpty()) {
                return fail(attack, notPlaying.size() + " of " + players.size() + " honest players did not play: "
                        + (notPlaying.get(0).failure != null ? notPlaying.get(0).failure : "no media within 10 s"));
            }
            sleep(options.settleSeconds());

            HostileResult.Phase baseline = window(players, publisher, options.baselineSeconds(), null, null);
            Map<Long, ProcSampler.Proc> before = sampler.sample();

            Watch watch = new Watch(before);
            Swarm swarm = attack.swarm(new Target(attackGroup, options.address(), options.app(), stream));
            long cpu0 = selfCpuNanos();
            long[] machine0 = ProcSampler.machine();
            long t0 = System.nanoTime();
            Attacking attacking = new Attacking(swarm, stream, late);
            HostileResult.Phase during = window(players, publisher, options.windowSeconds(), attacking, watch);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double generatorCpu = 100.0 * (selfCpuNanos() - cpu0) / 1e9 / seconds;
            long[] machine1 = ProcSampler.machine();
            double busy = 100.0 * 2 * (machine1[0] - machine0[0]) / Math.max(1, machine1[1] - machine0[1]);
            double lagMs = lag.maxMs();

            Map<Long, ProcSampler.Proc> after = sampler.sample();
            watch.add(after);
            List<Double> lateMs = late.stream()
                    .map(p -> p.firstMediaNanos == 0 ? -1.0 : Math.round((p.firstMediaNanos - p.startNanos) / 1e5) / 10.0)
                    .toList();
            boolean gone = !options.pids().isEmpty() && !after.keySet().containsAll(options.pids());
            return new HostileResult(options.label(), attack.kind(), attack.description(), players.size(), baseline,
                    during, watch.memory(before, after), watch.newPids(), gone, attacking.tally, lateMs, generatorCpu, busy,
                    lagMs, null);
        } finally {
            players.forEach(HonestPlayer::close);
            late.forEach(HonestPlayer::close);
            publisher.close();
            Thread.sleep(500);
        }
    }

    /** What runs beside the honest players in an attack window: the swarm and the late joiners. */
    private static final class Attacking {
        final Swarm swarm;
        final String stream;
        final List<HonestPlayer> late;
        Tally tally;

        Attacking(Swarm swarm, String stream, List<HonestPlayer> late) {
            this.swarm = swarm;
            this.stream = stream;
            this.late = late;
        }
    }

    /**
     * Measures the honest players over {@code seconds}. With an attack: its swarm starts with the
     * window, late joiners are started over it, the swarm is stopped at its end and the cooldown
     * follows inside the same window (damage may outlast the attack).
     */
    private HostileResult.Phase window(List<HonestPlayer> players, Publisher publisher, double seconds,
                                       Attacking attacking, Watch watch) throws Exception {
        int droppedBefore = (int) players.stream().filter(p -> p.disconnected).count();
        boolean publisherClosedBefore = publisher.isClosed();
        long t0 = System.nanoTime();
        for (HonestPlayer p : players) {
            p.startWindow(t0).get(5, TimeUnit.SECONDS);
        }
        long sent0 = publisher.tagsSent();
        lag.reset();
        long end = t0 + (long) (seconds * 1e9);
        if (attacking != null) {
            attacking.swarm.start();
            int joiners = options.lateJoiners();
            for (int i = 0; i < joiners; i++) {
                sampleUntil(t0 + (long) (seconds * 1e9 * (i + 1) / (joiners + 1)), watch);
                HonestPlayer p = new HonestPlayer();
                attacking.late.add(p);
                p.start(honestGroup, options.address(), options.app(), attacking.stream);
            }
        }
        sampleUntil(end, watch);
        if (attacking != null) {
            attacking.tally = attacking.swarm.stop();
            sampleUntil(System.nanoTime() + (long) (options.cooldownSeconds() * 1e9), watch);
        }
        long t1 = System.nanoTime();
        List<GapTracker.Window> windows = new ArrayList<>();
        for (HonestPlayer p : players) {
            GapTracker.Window w = p.endWindow(t1).get(5, TimeUnit.SECONDS);
            if (w != null) {
                windows.add(w);
            }
        }
        long sent = publisher.tagsSent() - sent0;
        GapTracker.Summary gaps = GapTracker.summarize(windows);
        long[] received = windows.stream().mapToLong(GapTracker.Window::messages).sorted().toArray();
        int dropped = (int) players.stream().filter(p -> p.disconnected).count() - droppedBefore;
        return new HostileResult.Phase((t1 - t0) / 1e9, round(gaps.maxMs()), round(gaps.medianMs()),
                windows.stream().map(w -> round(w.maxGapNanos() / 1e6)).toList(), sent,
                received.length == 0 ? 0 : received[0], GapTracker.median(received), dropped,
                publisher.isClosed() && !publisherClosedBefore);
    }

    /** Sleeps until {@code deadline} (a nanoTime), sampling the server's processes every 200 ms when watching. */
    private void sampleUntil(long deadline, Watch watch) throws InterruptedException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
            if (watch != null) {
                watch.add(sampler.sample());
            }
        }
    }

    /** The server's processes seen during an attack: peak RSS (of the sum and of each), pids that appeared. */
    private static final class Watch {
        private final Set<Long> before;
        private final Map<Long, String> names = new LinkedHashMap<>();
        private final Map<Long, Long> peakByPid = new HashMap<>();
        private long peakSum;

        Watch(Map<Long, ProcSampler.Proc> before) {
            this.before = new LinkedHashSet<>(before.keySet());
            add(before);
        }

        void add(Map<Long, ProcSampler.Proc> sample) {
            long sum = 0;
            for (ProcSampler.Proc p : sample.values()) {
                names.putIfAbsent(p.pid(), p.name());
                peakByPid.merge(p.pid(), p.rssKb(), Math::max);
                sum += p.rssKb();
            }
            peakSum = Math.max(peakSum, sum);
        }

        int newPids() {
            return (int) names.keySet().stream().filter(pid -> !before.contains(pid)).count();
        }

        HostileResult.Memory memory(Map<Long, ProcSampler.Proc> first, Map<Long, ProcSampler.Proc> last) {
            List<HostileResult.ProcRss> procs = new ArrayList<>();
            names.forEach((pid, name) -> procs.add(new HostileResult.ProcRss(pid, name,
                    first.containsKey(pid) ? first.get(pid).rssKb() : 0, peakByPid.getOrDefault(pid, 0L),
                    last.containsKey(pid) ? last.get(pid).rssKb() : 0)));
            return new HostileResult.Memory(rss(first), peakSum, rss(last), procs);
        }

        private static long rss(Map<Long, ProcSampler.Proc> sample) {
            return sample.values().stream().mapToLong(ProcSampler.Proc::rssKb).sum();
        }
    }

    private HostileResult fail(Attack attack, String error) {
        return HostileResult.failed(options.label(), attack.kind(), attack.description(), options.players(), error);
    }

    private static double round(double ms) {
        return Double.isNaN(ms) ? ms : Math.round(ms * 10) / 10.0;
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
}
