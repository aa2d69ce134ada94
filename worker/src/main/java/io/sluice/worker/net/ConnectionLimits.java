package io.sluice.worker.net;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many client connections one worker admits: {@code rtmp.max_connections}, the worker's share
 * of a server-wide limit (set by the master from the heartbeat counts), and
 * {@code rtmp.max_connections_per_ip}. The lower of the first two applies; zero means no limit.
 *
 * <p>A connection is admitted when its handshake completes ({@link AdmissionHandler}) and counts
 * until it closes; connections still in their handshake do not count (the handshake timeout
 * bounds them). The per-address count is per worker: with SO_REUSEPORT the kernel spreads one
 * address's connections over all workers.
 *
 * <p>Refusals are counted for the heartbeat and logged at most once a second, with how many were
 * refused since the last line, so a flood of refused connections costs one line a second.
 *
 * <p>Thread-safe: every event loop of the worker admits and releases here.
 */
public final class ConnectionLimits {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Ticker ticker;
    private final AtomicInteger admitted = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private volatile int maxConnections;
    private volatile int maxPerAddress;
    private volatile int serverShare = -1;

    private final Object logLock = new Object();
    private long lastLogNanos;
    private boolean loggedOnce;
    private long refusedSinceLog;
    private String lastReason;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    /**
     * @param maxConnections connections admitted at most ({@code rtmp.max_connections}), 0 = no limit
     * @param maxPerAddress  connections admitted at most from one address, 0 = no limit
     */
    public ConnectionLimits(int maxConnections, int maxPerAddress) {
        this(maxConnections, maxPerAddress, Ticker.systemTicker());
    }

    /** With a clock of the test's choosing for the once-a-second log. */
    public ConnectionLimits(int maxConnections, int maxPerAddress, Ticker ticker) {
        this.ticker = ticker;
        update(maxConnections, maxPerAddress);
    }

    /** New limits (reload): admitted connections stay, new ones are held to them. */
    public void update(int maxConnections, int maxPerAddress) {
        if (maxConnections < 0 || maxPerAddress < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * This worker's share of the server-wide connection limit, as the master computes it from
     * every worker's count; -1 = no server-wide limit, 0 = admit nothing new.
     */
    public void serverShare(int share) {
        if (share < -1) {
            throw new IllegalArgumentException("share must be -1 (no limit) or more: " + share);
        }
        this.serverShare = share;
    }

    /** The limit in force for this worker: the lower of max_connections and the share; -1 = none. */
    public int effectiveLimit() {
        int max = maxConnections == 0 ? -1 : maxConnections;
        int share = serverShare;
        if (max < 0) {
            return share;
        }
        return share < 0 ? max : Math.min(max, share);
    }

    /**
     * Admits a connection from {@code address} (null for a Unix socket: no per-address limit).
     *
     * @return null when admitted (then {@link #release} it once), else why not
     */
    public String admit(InetAddress address) {
        int limit = effectiveLimit();
        int now = admitted.incrementAndGet();
        if (limit >= 0 && now > limit) {
            admitted.decrementAndGet();
            return limit == maxConnections ? "the worker has " + limit + " connections (rtmp.max_connections)"
                    : "the worker has " + limit + " connections, its share of the server-wide limit";
        }
        int perAddressLimit = maxPerAddress;
        if (address != null) {
            int fromAddress = perAddress.merge(address, 1, Integer::sum);
            if (perAddressLimit > 0 && fromAddress > perAddressLimit) {
                release(address);
                return "the worker has " + perAddressLimit + " connections from " + address.getHostAddress()
                        + " (rtmp.max_connections_per_ip)";
            }
        }
        return null;
    }

    /** An admitted connection closed. */
    public void release(InetAddress address) {
        admitted.decrementAndGet();
        if (address != null) {
            perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * Counts a refused connection and logs it, at most one line a second; a refusal not logged
     * at once is logged by a task on {@code loop} when the second is over.
     */
    public void refused(String remote, String reason, EventExecutor loop) {
        refused.incrementAndGet();
        String line;
        synchronized (logLock) {
            refusedSinceLog++;
            lastReason = "from " + remote + ": " + reason;
            long now = ticker.nanoTime();
            long wait = loggedOnce ? LOG_INTERVAL_NANOS - (now - lastLogNanos) : 0;
            if (wait > 0) {
                if (flushScheduled.compareAndSet(false, true)) {
                    try {
                        loop.schedule(this::flushLog, wait, TimeUnit.NANOSECONDS);
                    } catch (RejectedExecutionException shuttingDown) {
                        flushScheduled.set(false);
                    }
                }
                return;
            }
            line = takeLogLine(now);
        }
        log.warn(line);
    }

    private void flushLog() {
        String line;
        synchronized (logLock) {
            flushScheduled.set(false);
            if (refusedSinceLog == 0) {
                return;
            }
            line = takeLogLine(ticker.nanoTime());
        }
        log.warn(line);
    }

    /** The line that reports the refusals since the last one; under logLock. */
    private String takeLogLine(long now) {
        loggedOnce = true;
        lastLogNanos = now;
        String line = "refused " + refusedSinceLog + " connection(s) since the last such line, each closed after"
                + " its handshake; the last " + lastReason;
        refusedSinceLog = 0;
        return line;
    }

    /** Connections refused since the worker started. */
    public long refusedCount() {
        return refused.get();
    }

    /** Connections admitted and open now. */
    public int admittedCount() {
        return admitted.get();
    }
}
