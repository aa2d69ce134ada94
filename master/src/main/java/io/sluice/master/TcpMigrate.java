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
 *
 * <p>The setting is host-wide, so the master remembers the value it found and writes it back when
 * it stops (or when a reload turns {@code worker.migrate_queued_connections} off), and only if it
 * changed it itself and nobody changed it since. Used on the master loop.
 */
final class TcpMigrate {

    private static final Logger log = LoggerFactory.getLogger(TcpMigrate.class);
    static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

    private final Path sysctl;
    /** The value found before the master set 1; null while the master has not changed it. */
    private String found;

    TcpMigrate(Path sysctl) {
        this.sysctl = sysctl;
    }

    /** Sets the sysctl to 1 when {@code wanted} and it is not; gives the old value back when not {@code wanted}. */
    void apply(boolean wanted) {
        if (!wanted) {
            restore("worker.migrate_queued_connections is off");
            return;
        }
        String value;
        try {
            value = Files.readString(sysctl).trim();
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
            Files.writeString(sysctl, "1\n");
            found = value;
            log.info("set net.ipv4.tcp_migrate_req=1 (was {}) so that connections queued on a draining worker's "
                    + "listener move to another worker (worker.migrate_queued_connections); it is set back at stop",
                    value);
        } catch (IOException | SecurityException e) {
            log.warn("net.ipv4.tcp_migrate_req is {} and cannot be set here ({}): a reload that starts new workers may "
                    + "reset connections queued on the old workers' listeners; as root run "
                    + "'sysctl -w net.ipv4.tcp_migrate_req=1' to prevent it", value, e.getMessage());
        }
    }

    /** Writes back the value found, if the master set the sysctl and it is still the 1 it wrote. */
    void restore(String why) {
        if (found == null) {
            return;
        }
        String was = found;
        found = null;
        try {
            String now = Files.readString(sysctl).trim();
            if (!now.equals("1")) {
                log.info("net.ipv4.tcp_migrate_req is {} now, not the 1 this master set; leaving it", now);
                return;
            }
            Files.writeString(sysctl, was + "\n");
            log.info("set net.ipv4.tcp_migrate_req back to {} ({}; this master had set it to 1)", was, why);
        } catch (IOException | SecurityException e) {
            log.warn("cannot set net.ipv4.tcp_migrate_req back to {}: {}", was, e.getMessage());
        }
    }
}
