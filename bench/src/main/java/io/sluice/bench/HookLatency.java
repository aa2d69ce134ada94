package io.sluice.bench;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Publish set-up time with and without an {@code on_publish} hook (issue 15, item 9): from the TCP
 * connect to {@code NetStream.Publish.Start}, one publish after the other, alternating between an
 * app without a hook and one whose {@code on_publish} is this program's own back-end on loopback
 * (the JDK's HTTP server answering 200 at once). What the hook adds is the difference.
 *
 * <pre>
 * HookLatency --port 1935 [--plain live] [--hooked hooked] [--count 300] [--backend-port 18765]
 * </pre>
 * The server must have {@code apps.HOOKED.on_publish: http://127.0.0.1:BACKEND-PORT/}; see
 * bench/hook-latency.sh, which starts one so.
 */
public final class HookLatency {

    private HookLatency() {
    }

    public static void main(String[] args) throws Exception {
        int port = 1935;
        int backendPort = 18765;
        int count = 300;
        String plain = "live";
        String hooked = "hooked";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--backend-port" -> backendPort = Integer.parseInt(args[i + 1]);
                case "--count" -> count = Integer.parseInt(args[i + 1]);
                case "--plain" -> plain = args[i + 1];
                case "--hooked" -> hooked = args[i + 1];
                default -> {
                    System.err.println("HookLatency: unknown option " + args[i]);
                    System.exit(64);
                }
            }
        }
        HttpServer backend = backend(backendPort);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < 50; i++) { // warm-up: JIT of both paths, the hook client's connection
                publishOnce(group, server, plain, "warm" + i);
                publishOnce(group, server, hooked, "warm" + i);
            }
            long[] plainMicros = new long[count];
            long[] hookedMicros = new long[count];
            for (int i = 0; i < count; i++) {
                plainMicros[i] = publishOnce(group, server, plain, "b" + i);
                hookedMicros[i] = publishOnce(group, server, hooked, "b" + i);
            }
            Arrays.sort(plainMicros); // only order statistics are printed from here on
            Arrays.sort(hookedMicros);
            System.out.println("| publish set-up (connect to Publish.Start), " + count + " each | p50 | p99 | max |");
            System.out.println("|---|---|---|---|");
            row("app " + plain + ", no hook", plainMicros);
            row("app " + hooked + ", on_publish on loopback", hookedMicros);
            long[] p50 = {Percentiles.of(plainMicros, 0.5), Percentiles.of(hookedMicros, 0.5)};
            long[] p99 = {Percentiles.of(plainMicros, 0.99), Percentiles.of(hookedMicros, 0.99)};
            System.out.printf("| added by the hook | %.2f ms | %.2f ms | |%n", (p50[1] - p50[0]) / 1000.0,
                    (p99[1] - p99[0]) / 1000.0);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            backend.stop(0);
        }
    }

    private static HttpServer backend(int port) throws IOException {
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        backend.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "backend");
            t.setDaemon(true); // the JVM ends with main
            return t;
        }));
        backend.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        backend.start();
        return backend;
    }

    /** One publish: microseconds from the connect to Publish.Start; the connection is closed after. */
    private static long publishOnce(EventLoopGroup group, InetSocketAddress server, String app, String name)
            throws Exception {
        long start = System.nanoTime();
        RtmpClient client = RtmpClient.connect(group, server, app, "rtmp://127.0.0.1:" + server.getPort() + "/" + app,
                new ClientListener() { }, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        try {
            client.publish(client.createStream().get(10, TimeUnit.SECONDS), name).get(10, TimeUnit.SECONDS);
            return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
        } finally {
            client.close();
        }
    }

    private static void row(String what, long[] micros) {
        System.out.printf("| %s | %.2f ms | %.2f ms | %.2f ms |%n", what, Percentiles.of(micros, 0.5) / 1000.0,
                Percentiles.of(micros, 0.99) / 1000.0, Arrays.stream(micros).max().orElse(0) / 1000.0);
    }
}
