package io.sluice.master;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's host name, the default {@code cluster.node}. Read from /proc rather than through
 * {@code InetAddress.getLocalHost()}, which may wait for DNS.
 */
final class HostName {

    private HostName() {
    }

    static String current() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
            if (name.matches("[A-Za-z0-9._\\-]{1,64}")) {
                return name;
            }
        } catch (IOException e) {
            // fall through to the environment
        }
        String env = System.getenv("HOSTNAME");
        return env != null && env.matches("[A-Za-z0-9._\\-]{1,64}") ? env : "localhost";
    }
}
