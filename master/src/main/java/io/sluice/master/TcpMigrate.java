package io.sluice.master;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code net.ipv4.tcp_migrate_req}: when a worker of an old generation closes its
 * {@code SO_REUSEPORT} listener, Linux resets the connections still waiting in that listener's
 * accept queue, unless this sysctl (Linux 5.14+) is 1, which moves them to another listener of
 * the same port. The master turns it on when the configuration asks for it and it may.
 */
final class TcpMigrate {

    private static final Logger log = LoggerFactory.getLogger(TcpMigrate.class);
    static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

    private TcpMigrate() {
    }

    /** Sets the sysctl to 1 when {@code wanted} and it is 0; says what it found. */
    static void apply(boolean wanted) {
        if (!wanted) {
            return;
        }
        String value;
        try {
            value = Files.readString(SYSCTL).trim();
        } catch (IOException e) {
            log.warn("net.ipv4.tcp_migrate_req is not available (Linux before 5.14?): a reload that starts new workers "
                    + "may reset connections queued on the old workers' listeners");
            return;
        }
        if (value.equals("1")) {
            log.debug("net.ipv4.tcp_migrate_req is 1: queued connections move to another worker on reload");
            return;
        }
        try {
            Files.writeString(SYSCTL, "1\n");
            log.info("set net.ipv4.tcp_migrate_req=1 (was {}) so that connections queued on a draining worker's "
                    + "listener move to another worker (worker.migrate_queued_connections)", value);
        } catch (IOException | SecurityException e) {
            log.warn("net.ipv4.tcp_migrate_req is {} and cannot be set here ({}): a reload that starts new workers may "
                    + "reset connections queued on the old workers' listeners; as root run "
                    + "'sysctl -w net.ipv4.tcp_migrate_req=1' to prevent it", value, e.getMessage());
        }
    }
}
