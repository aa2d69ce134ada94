package io.sluice.bench;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does a crowd joining through an {@code on_play} hook slow the players already watching (issue 15,
 * item 9)? A publisher sends a 2 Mbit/s stream to an app whose {@code on_play} is this program's
 * own back-end on loopback (the JDK's HTTP server, answering 200 after {@code --backend-delay}
 * ms); {@code --live} players watch it. Their largest gap between media messages is measured over
 * a quiet window, then over a window in which {@code --joiners} more players join at
 * {@code --rate} per second, each asking the back-end first. Printed: both windows' gaps, how many
 * joiners played, their time from connect to first media, and the back-end calls. Works against
 * any RTMP server whose app calls the back-end (nginx-rtmp's {@code on_play} too).
 *
 * <pre>
 * HookJoin --port 1935 --flv FILE [--app hooked] [--backend-port 18766] [--live 10]
 *          [--joiners 1000] [--rate 200] [--window 5] [--backend-delay 0] [--label sluice]
 *          [--warm 300] [--external-backend]
 * </pre>
 * {@code --warm N}: before measuring, N players join the same way and leave (the JIT of a JVM
 * server's join and hook paths; a C server does not need it, but gets the same treatment).
 * {@code --external-backend}: the hook URL points at a back-end already running (e.g. nginx's
 * {@code return 200}, to see the server's own cost without the JDK HTTP server's); calls are then
 * not counted.
 */
public final class HookJoin {

    private HookJoin() {
    }

    public static void main(String[] args) throws Exception {
        int port = 1935;
        int backendPort = 18766;
        int live = 10;
        int joiners = 1000;
        double rate = 200;
        double window = 5;
        long backendDelay = 0;
        String app = "hooked";
        String label = "server";
        Path flv = null;
        int warm = 300;
        boolean external = false;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--external-backend")) {
                external = true;
                i--;
                continue;
            }
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--warm" -> warm = Integer.parseInt(v);
                case "--port" -> port = Integer.parseInt(v);
                case "--backend-port" -> backendPort = Integer.parseInt(v);
                case "--live" -> live = Integer.parseInt(v);
                case "--joiners" -> joiners = Integer.parseInt(v);
                case "--rate" -> rate = Double.parseDouble(v);
                case "--window" -> window = Double.parseDouble(v);
                case "--backend-delay" -> backendDelay = Long.parseLong(v);
                case "--app" -> app = v;
                case "--label" -> label = v;
                case "--flv" -> flv = Path.of(v);
                default -> {
                    System.err.println("HookJoin: unknown option " + args[i]);
                    System.exit(64);
                }
            }
        }
        if (flv == null) {
            System.err.println("HookJoin: --flv FILE is required");
            System.exit(64);
        }
        AtomicLong calls = new AtomicLong();
        HttpServer backend = external ? null : backend(backendPort, backendDelay, calls);
        EventLoopGroup publisherGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("publisher"),
                EpollIoHandler.newFactory());
        EventLoopGroup liveGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("live"),
                EpollIoHandler.newFactory());
        EventLoopGroup joinGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("join"),
                EpollIoHandler.newFactory());
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        Publisher publisher = new Publisher(flv, new SendClock(), 0);
        List<HonestPlayer> watching = new ArrayList<>();
        List<HonestPlayer> joined = new ArrayList<>();
        int code = 0;
        try {
            publisher.start(publisherGroup, server, app, "join");
            List<CompletableFuture<HonestPlayer>> started = new ArrayList<>();
            for (int i = 0; i < live; i++) {
                HonestPlayer p = new HonestPlayer();
                watching.add(p);
                started.add(p.start(liveGroup, server, app, "join"));
            }
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && !watching.stream().allMatch(HonestPlayer::playing)) {
                Thread.sleep(50);
            }
            if (!watching.stream().allMatch(HonestPlayer::playing)) {
                throw new IllegalStateException("the live players did not all play: "
                        + watching.stream().filter(p -> p.failure != null).map(p -> p.failure).findFirst().orElse("no media"));
            }
            if (warm > 0) {
                List<HonestPlayer> warming = new ArrayList<>();
                join(warming, warm, rate, joinGroup, server, app);
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (System.nanoTime() < deadline && !warming.stream().allMatch(p -> p.playing() || p.failed)) {
                    Thread.sleep(50);
                }
                warming.forEach(HonestPlayer::close);
            }
            Thread.sleep(2000);
            long callsBefore = calls.get();
            GapTracker.Summary quiet = window(watching, window, () -> { });
            long callsQuiet = calls.get() - callsBefore;
            // The crowd: joiners started at `rate` per second, then the window runs on until every
            // one has had `window` seconds, so the gaps cover the whole join and its aftermath.
            int n = joiners;
            double perSecond = rate;
            String joinApp = app;
            GapTracker.Summary crowd = window(watching, n / perSecond + window,
                    () -> join(joined, n, perSecond, joinGroup, server, joinApp));
            long playing = joined.stream().filter(HonestPlayer::playing).count();
            long[] ttff = joined.stream().filter(p -> p.firstMediaNanos != 0)
                    .mapToLong(p -> (p.firstMediaNanos - p.startNanos) / 1000).sorted().toArray();
            long dropped = watching.stream().filter(p -> p.disconnected).count();
            System.out.printf("| %s | %d live, %d joining at %.0f/s | quiet %.1f s: largest gap %.1f ms"
                            + " (median of players %.1f) | joining: largest gap %.1f ms (median %.1f) | joiners playing %d/%d,"
                            + " first media p50 %.1f / p99 %.1f ms | live players dropped %d | back-end calls %s |%n",
                    label, live, n, perSecond, window, quiet.maxMs(), quiet.medianMs(), crowd.maxMs(), crowd.medianMs(),
                    playing, n, Percentiles.of(ttff, 0.5) / 1000.0, Percentiles.of(ttff, 0.99) / 1000.0, dropped,
                    external ? "-" : String.valueOf(calls.get() - callsBefore - callsQuiet));
            if (dropped > 0 || playing < n) {
                code = 1;
            }
        } finally {
            joined.forEach(HonestPlayer::close);
            watching.forEach(HonestPlayer::close);
            publisher.close();
            for (EventLoopGroup g : List.of(joinGroup, liveGroup, publisherGroup)) {
                g.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            }
            if (backend != null) {
                backend.stop(0);
            }
        }
        System.exit(code);
    }

    /** Starts {@code n} players at {@code perSecond}, added to {@code into}; returns when the last started. */
    private static void join(List<HonestPlayer> into, int n, double perSecond, EventLoopGroup group,
                             InetSocketAddress server, String app) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long at = t0 + (long) (i * 1e9 / perSecond);
            while (System.nanoTime() < at) {
                sleepQuietly(1);
            }
            HonestPlayer p = new HonestPlayer();
            into.add(p);
            p.start(group, server, app, "join");
        }
    }

    private static GapTracker.Summary window(List<HonestPlayer> players, double seconds, Runnable during)
            throws Exception {
        long t0 = System.nanoTime();
        for (HonestPlayer p : players) {
            p.startWindow(t0).get(5, TimeUnit.SECONDS);
        }
        during.run();
        long end = t0 + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            sleepQuietly(20);
        }
        long t1 = System.nanoTime();
        List<GapTracker.Window> windows = new ArrayList<>();
        for (HonestPlayer p : players) {
            GapTracker.Window w = p.endWindow(t1).get(5, TimeUnit.SECONDS);
            if (w != null) {
                windows.add(w);
            }
        }
        return GapTracker.summarize(windows);
    }

    private static HttpServer backend(int port, long delayMillis, AtomicLong calls) throws IOException {
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        backend.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "backend");
            t.setDaemon(true);
            return t;
        }));
        backend.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            calls.incrementAndGet();
            if (delayMillis > 0) {
                sleepQuietly(delayMillis);
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        backend.start();
        return backend;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
