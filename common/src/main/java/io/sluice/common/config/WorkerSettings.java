package io.sluice.common.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the master runs and supervises worker processes (section {@code worker}).
 *
 * @param threads            event-loop threads per worker
 * @param jvmOptions         options passed to each worker JVM, before the main class
 * @param heartbeatInterval  how often the master pings each worker
 * @param heartbeatTimeout   a worker silent for this long is killed and replaced
 * @param stopTimeout        graceful stop (worker.close, then SIGTERM) before SIGKILL
 * @param drainTimeout       how long an old-generation worker keeps serving after a reload
 * @param respawnMaxFailures failed starts or crashes within {@code respawnWindow} that stop respawning a slot
 * @param respawnWindow      the window those failures are counted in
 * @param migrateQueuedConnections whether the master sets {@code net.ipv4.tcp_migrate_req=1}, so that
 *                           connections queued on a draining worker's listener move to another worker
 * @param transport          the native socket transport of the workers (auto, epoll, io_uring)
 */
public record WorkerSettings(ThreadCount threads, List<String> jvmOptions, Duration heartbeatInterval,
                             Duration heartbeatTimeout, Duration stopTimeout, Duration drainTimeout,
                             int respawnMaxFailures, Duration respawnWindow, boolean migrateQueuedConnections,
                             TransportChoice transport) {

    public WorkerSettings {
        Objects.requireNonNull(threads, "threads");
        jvmOptions = List.copyOf(jvmOptions);
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(respawnWindow, "respawnWindow");
        Objects.requireNonNull(transport, "transport");
        // A timeout not above the interval would kill healthy workers between two pings.
        if (heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("heartbeatTimeout (" + heartbeatTimeout
                    + ") must be greater than heartbeatInterval (" + heartbeatInterval + ")");
        }
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static WorkerSettings defaults() {
        return new WorkerSettings(ThreadCount.AUTO,
                List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=256m", "-Xss512k"),
                Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofMinutes(5),
                5, Duration.ofSeconds(30), true, TransportChoice.AUTO);
    }
}
