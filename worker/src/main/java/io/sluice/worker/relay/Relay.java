package io.sluice.worker.relay;

import io.netty.channel.EventLoop;
import io.netty.channel.unix.DomainSocketAddress;
import io.sluice.common.access.RelayToken;
import io.sluice.common.protocol.StreamLocation;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.message.DataMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.session.RtmpIngest;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.Publisher;
import io.sluice.worker.stream.StreamKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One stream relayed into this worker from the worker that publishes it: one RTMP play over
 * the owner's relay endpoint, however many local players there are. The relay is the local
 * stream's publisher, so local players get metadata, sequence headers and the GOP first, then
 * live media, exactly as from a local encoder.
 *
 * <p>When the upstream publisher leaves (UnpublishNotify) or the owner dies (connection lost),
 * local players are told UnpublishNotify and the relay looks for the stream again; the master
 * tells it when the name is published anywhere. The relay ends shortly after the last local
 * player left. All state changes run on one event loop.
 */
final class Relay implements Publisher {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Pause before looking again after the upstream went away: a republish may be under way. */
    static final long RELOCATE_DELAY_MS = 100;
    /** Longest pause between two locate requests the master failed or refused. */
    static final long MAX_LOCATE_RETRY_SECONDS = 30;

    private enum State { LOCATING, WAITING, CONNECTING, LIVE, CLOSED }

    private final RelayManager manager;
    private final LiveStream stream;
    private final StreamKey key;
    private final EventLoop loop;
    private State state = State.LOCATING;
    private Upstream upstream;
    private int owner;
    /** The node name of the owning host when it is another host; null on this host. */
    private String ownerHost;
    /** The relay endpoint of the owner followed now (or last tried): unique per worker process. */
    private String ownerEndpoint;
    private long idleSinceNanos;
    private int locateFailures;

    Relay(RelayManager manager, LiveStream stream, EventLoop loop) {
        this.manager = manager;
        this.stream = stream;
        this.key = stream.key();
        this.loop = loop;
    }

    StreamKey key() {
        return key;
    }

    LiveStream stream() {
        return stream;
    }

    void start() {
        loop.execute(this::locate);
    }

    private void locate() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.LOCATING;
        manager.directory().locate(key).whenComplete((location, error) -> loop.execute(() -> located(location, error)));
    }

    private void located(StreamLocation location, Throwable error) {
        if (state == State.CLOSED && error == null && !location.found()) {
            // Closed while the master looked: it now counts this worker as waiting; undo that.
            manager.directory().waitCancelled(key);
            return;
        }
        if (state != State.LOCATING) {
            return;
        }
        if (error != null) {
            // Backs off (1 s, 2 s, ... 30 s): a master that refuses (say, too many names waited
            // for by this worker) is not asked again at once, and the log gets one line per episode.
            long delay = Math.min(MAX_LOCATE_RETRY_SECONDS, 1L << Math.min(locateFailures, 5));
            if (locateFailures++ == 0) {
                log.warn("cannot locate {}: {}; trying again in {} s", key, error.getMessage(), delay);
            } else {
                log.debug("cannot locate {} ({} times): {}; trying again in {} s", key, locateFailures,
                        error.getMessage(), delay);
            }
            loop.schedule(this::locate, delay, TimeUnit.SECONDS);
            return;
        }
        locateFailures = 0;
        if (!location.found()) {
            state = State.WAITING; // the master tells us when it is published
            log.debug("waiting for {} to be published", key);
        } else {
            connect(location);
        }
    }

    /** The master says {@code location} now publishes the stream. */
    void published(StreamLocation location) {
        loop.execute(() -> {
            if (state == State.WAITING || state == State.LOCATING) {
                connect(location);
            }
        });
    }

    /** The master says the worker at {@code endpoint} died; ignored unless this relay follows it. */
    void ownerGone(String endpoint) {
        loop.execute(() -> {
            Upstream up = upstream;
            if (up != null && endpoint != null && endpoint.equals(ownerEndpoint)
                    && (state == State.LIVE || state == State.CONNECTING)) {
                upstreamGone(up, "the master reports its worker gone");
            }
        });
    }

    private void connect(StreamLocation location) {
        state = State.CONNECTING;
        owner = location.worker();
        ownerHost = location.host();
        ownerEndpoint = location.endpoint();
        Upstream up = new Upstream();
        upstream = up;
        SocketAddress address;
        String tcUrl;
        String play;
        if (location.remote()) {
            // Another host: its RTMP port, with a token signed with the cluster secret in the
            // connect URL and the play name, which lets this relay past the public play rules.
            int colon = location.endpoint().lastIndexOf(':');
            String host = location.endpoint().substring(0, colon);
            address = new InetSocketAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
                    Integer.parseInt(location.endpoint().substring(colon + 1)));
            String query = "?" + RelayToken.ARG + "=" + RelayToken.sign(key.app(),
                    System.currentTimeMillis() / 1000 + RelayToken.LIFETIME_SECONDS, manager.clusterSecret());
            tcUrl = "rtmp://" + location.endpoint() + "/" + key.app() + query;
            play = key.name() + query;
        } else {
            address = new DomainSocketAddress(location.endpoint());
            tcUrl = "rtmp://relay/" + key.app();
            play = key.name();
        }
        RtmpClient.connect(loop, address, key.app(), tcUrl, up, CONNECT_TIMEOUT)
                .thenCompose(client -> {
                    up.client = client;
                    return client.createStream();
                })
                .thenCompose(id -> up.client.play(id, play))
                .whenComplete((info, error) -> loop.execute(() -> playing(up, error)));
    }

    /** The play request failed (or finished; success is handled when Play.Start arrives). */
    private void playing(Upstream up, Throwable error) {
        if (error == null || upstream != up || state != State.CONNECTING) {
            return;
        }
        log.debug("relay of {} from worker {} failed: {}; looking again", key, owner, error.getMessage());
        up.close();
        upstream = null;
        relocateSoon();
    }

    /**
     * Play.Start arrived. Called from the connection's read, on the relay's loop, before the
     * metadata, sequence headers and GOP that follow it in the same read: the relay must be the
     * stream's publisher by then or they would be lost.
     */
    private void started(Upstream up) {
        if (upstream != up || state != State.CONNECTING) {
            return;
        }
        if (!stream.attach(this)) {
            // A local publisher took the name meanwhile: this relay is not needed.
            close();
            return;
        }
        state = State.LIVE;
        manager.directory().relayOpened(key);
        log.info("relaying {} from {} (set up in {} ms)", key, ownerHost != null ? "host " + ownerHost : "worker " + owner,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - up.startedNanos));
    }

    private void upstreamGone(Upstream up, String why) {
        if (upstream != up || state == State.CLOSED) {
            return;
        }
        upstream = null;
        up.close();
        if (state == State.LIVE) {
            stream.detach(this);
            manager.directory().relayClosed(key);
            log.info("relay of {} from worker {} ended ({}); waiting for it to be published again", key, owner, why);
        }
        relocateSoon();
    }

    private void relocateSoon() {
        state = State.LOCATING;
        loop.schedule(this::locate, RELOCATE_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /** Periodic check: close when no local player was left for {@code linger}. */
    void checkIdle(long nowNanos, long lingerNanos) {
        loop.execute(() -> {
            if (state == State.CLOSED) {
                return;
            }
            if (stream.subscriberCount() > 0) {
                idleSinceNanos = 0;
                if (state != State.LIVE && stream.hasPublisher()) {
                    close(); // published locally now
                }
                return;
            }
            if (idleSinceNanos == 0) {
                idleSinceNanos = nowNanos;
            } else if (nowNanos - idleSinceNanos >= lingerNanos) {
                log.debug("relay of {} idle: no local player left", key);
                close();
            }
        });
    }

    /** Ends the relay for good. On the relay's loop. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.LIVE) {
            stream.detach(this);
            manager.directory().relayClosed(key);
        } else if (state == State.WAITING) {
            // The master keeps a list of workers waiting for each name; leave it with our players.
            manager.directory().waitCancelled(key);
        }
        state = State.CLOSED;
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
        manager.closed(this);
    }

    @Override
    public String origin() {
        return ownerHost != null ? "relay from host " + ownerHost : "relay from worker " + owner;
    }

    @Override
    public boolean standsIn() {
        return true;
    }

    @Override
    public void close(String reason) {
        log.info("closing relay of {}: {}", key, reason);
        loop.execute(this::close);
    }

    /** One connection to an owner's relay endpoint; events from a replaced connection are ignored. */
    private final class Upstream implements ClientListener {
        final long startedNanos = System.nanoTime();
        volatile RtmpClient client;

        @Override
        public void onMedia(MediaMessage media) {
            if (state == State.LIVE && upstream == this) {
                RtmpIngest.media(stream, Relay.this, media.retain()); // lent to us: the stream keeps a reference
            }
        }

        @Override
        public void onData(DataMessage data) {
            if (state == State.LIVE && upstream == this) {
                RtmpIngest.data(stream, Relay.this, client.channel().alloc(), data);
            }
        }

        @Override
        public void onStatus(int streamId, String code, Map<?, ?> info) {
            // The client runs on the relay's loop: act now, in order with the media that follows.
            if ("NetStream.Play.Start".equals(code)) {
                started(this);
            } else if ("NetStream.Play.UnpublishNotify".equals(code)) {
                upstreamGone(this, "the publisher left");
            }
        }

        @Override
        public void onClose() {
            upstreamGone(this, "connection to the owner lost");
        }

        void close() {
            RtmpClient c = client;
            if (c != null) {
                c.close();
            }
        }
    }
}
