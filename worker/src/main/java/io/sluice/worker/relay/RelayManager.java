package io.sluice.worker.relay;

import io.netty.channel.EventLoopGroup;
import io.sluice.common.protocol.StreamGone;
import io.sluice.common.protocol.StreamLocation;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.StreamKey;
import io.sluice.worker.stream.StreamRegistry;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The relays of one worker: at most one per stream, created when a stream has local players
 * but no publisher here, closed {@code linger} after its last local player left.
 */
public final class RelayManager implements AutoCloseable {

    private final StreamRegistry registry;
    private final EventLoopGroup group;
    private final RelayDirectory directory;
    private final ConcurrentHashMap<StreamKey, Relay> relays = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> idleCheck;
    private volatile long lingerNanos;
    private volatile boolean closing;
    private volatile Supplier<String> clusterSecret = () -> "";

    public RelayManager(StreamRegistry registry, EventLoopGroup group, RelayDirectory directory, Duration linger) {
        this.registry = registry;
        this.group = group;
        this.directory = directory;
        this.lingerNanos = linger.toNanos();
        this.idleCheck = group.scheduleAtFixedRate(this::checkIdle, 250, 250, TimeUnit.MILLISECONDS);
    }

    RelayDirectory directory() {
        return directory;
    }

    /** Where relays from other hosts get the secret their tokens are signed with (cluster.secret). */
    public void clusterSecret(Supplier<String> secret) {
        this.clusterSecret = secret;
    }

    String clusterSecret() {
        return clusterSecret.get();
    }

    /** {@code stream} has players here and no publisher: relay it from wherever it is published. */
    public void needPublisher(LiveStream stream) {
        relays.computeIfAbsent(stream.key(), key -> {
            LiveStream held = registry.acquire(key); // the relay keeps the stream alive
            Relay relay = new Relay(this, held, group.next());
            relay.start();
            return relay;
        });
    }

    /** The master says a stream was published: relays waiting for it connect. */
    public void published(StreamLocation location) {
        Relay relay = relays.get(new StreamKey(location.app(), location.name()));
        if (relay != null) {
            relay.published(location);
        }
    }

    /**
     * The master says the worker that published a stream died: a relay still following that worker
     * stops waiting for its connection to notice and looks for the stream again.
     */
    public void unpublished(StreamGone gone) {
        Relay relay = relays.get(new StreamKey(gone.app(), gone.name()));
        if (relay != null) {
            relay.ownerGone(gone.endpoint());
        }
    }

    void closed(Relay relay) {
        if (relays.remove(relay.key(), relay)) {
            LiveStream stream = relay.stream();
            // A player that joined between the idle check and this removal found this relay still
            // listed and started none: without another relay it would wait for ever.
            if (!closing && stream.subscriberCount() > 0 && !stream.hasPublisher()) {
                needPublisher(stream);
            }
            registry.release(stream);
        }
    }

    private void checkIdle() {
        long now = System.nanoTime();
        for (Relay relay : relays.values()) {
            relay.checkIdle(now, lingerNanos);
        }
    }

    public void updateLinger(Duration linger) {
        lingerNanos = linger.toNanos();
    }

    @Override
    public void close() {
        closing = true;
        idleCheck.cancel(false);
        relays.values().forEach(r -> r.close("worker stopping"));
    }
}
