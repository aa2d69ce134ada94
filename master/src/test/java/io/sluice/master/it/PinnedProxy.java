package io.sluice.master.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A loopback proxy that sends every connection it accepts to an upstream of the test's choosing,
 * typically a connection that landed on a particular worker ({@link SluiceServer#connectAvoiding}):
 * with SO_REUSEPORT the kernel picks the worker, so a client that cannot choose its connection
 * (ffmpeg, a browser) is pointed at this proxy instead. Bytes are copied both ways until either
 * side closes; {@link #close} ends everything.
 */
final class PinnedProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Callable<Socket> upstreams;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /** @param upstreams called once per accepted connection for the socket to forward it to */
    PinnedProxy(Callable<Socket> upstreams) throws IOException {
        this.upstreams = upstreams;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        start(this::acceptLoop, "proxy-accept");
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket down = server.accept();
                Socket up;
                try {
                    up = upstreams.call();
                } catch (Exception e) {
                    down.close();
                    continue;
                }
                synchronized (sockets) {
                    sockets.add(down);
                    sockets.add(up);
                }
                start(() -> pipe(down, up), "proxy-up");
                start(() -> pipe(up, down), "proxy-down");
            }
        } catch (IOException closed) {
            // the proxy was closed
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException closed) {
            // one side went away
        }
    }

    private void start(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        synchronized (threads) {
            threads.add(t);
        }
        t.start();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        List<Socket> open;
        synchronized (sockets) {
            open = new ArrayList<>(sockets);
        }
        for (Socket s : open) {
            s.close();
        }
        List<Thread> all;
        synchronized (threads) {
            all = new ArrayList<>(threads);
        }
        for (Thread t : all) {
            t.join(2000);
        }
    }
}
