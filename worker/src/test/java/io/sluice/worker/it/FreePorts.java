package io.sluice.worker.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A port that was free a moment ago on 127.0.0.1. */
public final class FreePorts {

    private FreePorts() {
    }

    public static int next() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
