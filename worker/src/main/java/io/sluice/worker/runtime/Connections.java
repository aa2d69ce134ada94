package io.sluice.worker.runtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.sluice.common.protocol.WorkerDump;
import io.sluice.worker.net.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * Every open connection of a worker, whichever listener accepted it: for the heartbeat's load
 * figures, {@code worker.dump}, kicking a client and closing them all at the end. A connection is
 * described by its {@link Connection} (a channel attribute), which every protocol fills in.
 *
 * <p>Thread-safe: listeners add connections from every event loop; the channel thread reads.
 */
public final class Connections {

    private static final Logger log = LoggerFactory.getLogger(Connections.class);

    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    /** Bytes of connections that closed, so the worker's totals never go down. */
    private final LongAdder closedBytesIn = new LongAdder();
    private final LongAdder closedBytesOut = new LongAdder();
    /**
     * A closing connection leaves {@link #channels} and moves its bytes to the closed totals as one
     * step against {@link #totals()}: otherwise a connection that closes while the totals are added
     * up is counted neither as open nor as closed, and the bytes counters (Prometheus counters)
     * dip. Closers take the shared side, so they never wait for each other, only for a totals pass.
     */
    private final ReadWriteLock closing = new ReentrantReadWriteLock();

    /** Tracks {@code ch} until it closes; a listener calls it as it sets up an accepted channel. */
    public void track(Channel ch) {
        channels.add(ch);
        ch.closeFuture().addListener(f -> {
            closing.readLock().lock();
            try {
                channels.remove(ch);
                Connection c = ch.attr(Connection.KEY).get();
                if (c != null) {
                    closedBytesIn.add(c.bytesIn());
                    closedBytesOut.add(c.bytesOut());
                }
            } finally {
                closing.readLock().unlock();
            }
        });
    }

    /** Number of open connections. */
    public int size() {
        return channels.size();
    }

    /** Publishers, players and bytes of all connections, open and closed. */
    Totals totals() {
        closing.writeLock().lock();
        try {
            return totalsWhileNoneCloses();
        } finally {
            closing.writeLock().unlock();
        }
    }

    private Totals totalsWhileNoneCloses() {
        Totals t = new Totals();
        t.bytesIn = closedBytesIn.sum();
        t.bytesOut = closedBytesOut.sum();
        for (Channel ch : channels) {
            Connection c = ch.attr(Connection.KEY).get();
            if (c == null) {
                continue;
            }
            t.bytesIn += c.bytesIn();
            t.bytesOut += c.bytesOut();
            t.byProtocolAndRole.computeIfAbsent(c.protocol(), p -> new TreeMap<>())
                    .merge(c.role().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
            if (c.role() == Connection.Role.RELAY) {
                t.relays++;
            }
            if (c.role() == Connection.Role.PLAYER && c.stream() != null) {
                t.playersByStream.merge(c.stream(), 1, Integer::sum);
            }
            if (c.role() == Connection.Role.PUBLISHER) {
                t.publishers++;
            } else if (c.role() == Connection.Role.PLAYER) {
                t.players++;
                t.playersByProtocol.merge(c.protocol(), 1, Integer::sum);
            }
        }
        return t;
    }

    /** What the heartbeat reports of the connections. */
    static final class Totals {
        int publishers;
        int players;
        final Map<String, Integer> playersByProtocol = new TreeMap<>();
        /** Open connections by protocol, then role (lower case), for metrics. */
        final Map<String, Map<String, Integer>> byProtocolAndRole = new TreeMap<>();
        int relays;
        /** Players by stream ("app/name"), for per-stream metrics. */
        final Map<String, Integer> playersByStream = new java.util.HashMap<>();
        long bytesIn;
        long bytesOut;
    }

    /** What a stream's players on this worker add up to, for {@code worker.dump}. */
    static final class StreamPlayers {
        final Map<String, Integer> byProtocol = new TreeMap<>();
        long bytesOut;
        /** The sum of each player's average bitrate since it started, in bits per millisecond (= kbit/s). */
        long kbpsOut;
    }

    /**
     * For {@code worker.dump}: one line per connection when {@code withClients} (else an empty
     * list), and in {@code players} the players' totals per stream ("app/name").
     */
    List<WorkerDump.ClientInfo> clients(boolean withClients, Map<String, StreamPlayers> players) {
        List<WorkerDump.ClientInfo> clients = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (Channel ch : channels) {
            Connection c = ch.attr(Connection.KEY).get();
            if (c == null) {
                continue;
            }
            if (withClients) {
                clients.add(new WorkerDump.ClientInfo(c.id(), c.remote(), c.protocol(),
                        c.role().name().toLowerCase(Locale.ROOT), c.stream(), c.bytesIn(), c.bytesOut(), c.startedAtMillis()));
            }
            if (c.role() == Connection.Role.PLAYER && c.stream() != null) {
                StreamPlayers s = players.computeIfAbsent(c.stream(), k -> new StreamPlayers());
                s.byProtocol.merge(c.protocol(), 1, Integer::sum);
                long out = c.bytesOut();
                s.bytesOut += out;
                s.kbpsOut += out * 8 / Math.max(1, now - c.startedAtMillis());
            }
        }
        return clients;
    }

    /** Closes the connection with this id ({@code bin/ctl kick}); false when there is none. */
    public boolean kick(String id) {
        Channel ch = find(c -> c.id().equals(id));
        if (ch == null) {
            return false;
        }
        Connection c = ch.attr(Connection.KEY).get();
        log.info("kicking client [conn:{}, remote:{}, role:{}, stream:{}]", c.id(), c.remote(), c.role(), c.stream());
        ch.close();
        return true;
    }

    /**
     * Closes the publisher of {@code stream} ("app/name"), whose name has moved to another host;
     * false when there is none.
     */
    public boolean dropPublisher(String stream) {
        Channel ch = find(c -> c.role() == Connection.Role.PUBLISHER && stream.equals(c.stream()));
        if (ch == null) {
            return false;
        }
        Connection c = ch.attr(Connection.KEY).get();
        log.warn("closing the publisher: another host holds the name now (this host's lease ran out) "
                + "[conn:{}, remote:{}, stream:{}]", c.id(), c.remote(), stream);
        ch.close();
        return true;
    }

    /** The first open connection {@code wanted} accepts, null when there is none. */
    private Channel find(Predicate<Connection> wanted) {
        for (Channel ch : channels) {
            Connection c = ch.attr(Connection.KEY).get();
            if (c != null && wanted.test(c)) {
                return ch;
            }
        }
        return null;
    }

    /** Closes every connection, waiting up to {@code timeoutMillis} for them to close. */
    void closeAll(long timeoutMillis) {
        List<ChannelFuture> closed = new ArrayList<>();
        for (Channel ch : channels) {
            closed.add(ch.close());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (ChannelFuture f : closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                log.warn("{} connections still open after {} ms", channels.size(), timeoutMillis);
                return;
            }
        }
    }
}
