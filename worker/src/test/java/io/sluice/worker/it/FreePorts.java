package io.sluice.worker.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the servers a test starts: free on 127.0.0.1 when handed out, and never the same
 * one twice in a JVM.
 *
 * <p>They come from below the kernel's ephemeral range (32768–60999 by default), not from a
 * bind to port 0. A port from port 0 is one the kernel may give again to the next bind to port
 * 0, or to a client socket as its local port: a server asking for three ports (RTMP, HTTP, API)
 * once got the same one twice, and since the workers bind with {@code SO_REUSEPORT}, the kernel
 * then spread RTMP connections over the HTTP listener (a test publisher read "HTTP/1.1" as its
 * handshake answer: "server answered RTMP version 72 in S0").
 */
public final class FreePorts {

    static final int FIRST = 20000;
    static final int LAST = 32000;

    /** Where this JVM starts counting: random, so that two test JVMs seldom probe the same ports. */
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(LAST - FIRST));

    private FreePorts() {
    }

    public static int next() {
        for (int tried = 0; tried < LAST - FIRST; tried++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), LAST - FIRST);
            if (isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + ".." + (LAST - 1) + " on 127.0.0.1");
    }

    /** True when nothing listens on, or is bound to, {@code port} on 127.0.0.1 (nor on the wildcard address). */
    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
