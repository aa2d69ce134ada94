package io.sluice.master.directory.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.sluice.common.protocol.StreamRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The cluster's Redis, through Lettuce's asynchronous API only: every call returns at once with
 * a future, completed on one of Lettuce's threads (callers move back to their own loop). Nothing
 * here waits, so a slow or absent Redis never holds up the master loop.
 *
 * <p>While Redis cannot be reached, commands fail at once ({@code REJECT_COMMANDS}) rather than
 * queue: a queue would replay stale claims in a burst after an outage, and the directory does a
 * full resync then anyway ({@code connected} is called on every reconnection). Commands that
 * Redis does not answer fail after {@code commandTimeout}.
 */
final class RedisStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
    /** How long one command may take before it counts as failed. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** Pause between attempts at the very first connection. */
    static final Duration FIRST_CONNECT_RETRY = Duration.ofSeconds(1);

    private final RedisURI uri;
    private final String redacted;
    private final ClientResources resources;
    private final RedisClient client;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> pubsub;
    private volatile boolean closed;
    private volatile boolean subscribed;
    private final Runnable connectedCallback;
    private final BiConsumer<String, StreamRef> published;

    /**
     * @param url       the {@code cluster.redis} URL
     * @param connected called (on a Lettuce thread) after the first connection and each reconnection
     * @param published called (on a Lettuce thread) with each {@code NODE APP/NAME} announcement
     */
    RedisStore(String url, String redacted, Runnable connected, BiConsumer<String, StreamRef> published) {
        // Lettuce picks io_uring or epoll by itself and warns when both are there; the master's
        // own sockets are epoll, and so are these.
        System.setProperty("io.lettuce.core.iouring", "false");
        this.uri = RedisURI.create(url);
        this.uri.setTimeout(COMMAND_TIMEOUT);
        this.redacted = redacted;
        this.connectedCallback = connected;
        this.published = published;
        // One thread each: the directory sends a few commands per publish and play, never per frame.
        this.resources = ClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).keepAlive(true).build())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (connection == commands) {
                    log.info("connected to Redis {} ({})", redacted, address);
                    connected.run();
                } else if (connection == pubsub) {
                    // Announcements made while the subscription was down are lost: a lease another
                    // host wrote then is found by the resync this triggers (coalesced with the
                    // commands connection's) and not left to a waiting player's timeout.
                    connected.run();
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == commands && !closed) {
                    log.warn("lost the connection to Redis {}; local streams go on, reconnecting", redacted);
                }
            }
        });
    }

    /** Opens both connections, trying again every second until Redis answers; returns at once. */
    void start() {
        connectCommands();
        connectPubSub();
    }

    private void connectCommands() {
        client.connectAsync(StringCodec.UTF8, uri).whenComplete((c, e) -> {
            if (closed) {
                if (c != null) {
                    c.closeAsync();
                }
            } else if (e != null) {
                log.warn("cannot connect to Redis {}: {}; trying again in {} ms", redacted, e.getMessage(),
                        FIRST_CONNECT_RETRY.toMillis());
                retry(this::connectCommands);
            } else {
                commands = c;
                log.info("connected to Redis {}", redacted);
                connectedCallback.run();
            }
        });
    }

    private void connectPubSub() {
        client.connectPubSubAsync(StringCodec.UTF8, uri).whenComplete((c, e) -> {
            if (closed) {
                if (c != null) {
                    c.closeAsync();
                }
            } else if (e != null) {
                retry(this::connectPubSub);
            } else {
                pubsub = c;
                c.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        announcement(message);
                    }
                });
                // Lettuce subscribes again by itself after a reconnection.
                c.async().subscribe(RedisKeys.PUBLISHED).whenComplete((v, se) -> {
                    subscribed = se == null;
                    if (se != null) {
                        log.warn("cannot subscribe to {} on Redis {}: {}", RedisKeys.PUBLISHED, redacted, se.getMessage());
                    }
                });
            }
        });
    }

    private void retry(Runnable connect) {
        resources.eventExecutorGroup().schedule(() -> {
            if (!closed) {
                connect.run();
            }
        }, FIRST_CONNECT_RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void announcement(String message) {
        int space = message.indexOf(' ');
        int slash = message.indexOf('/', space + 1);
        if (space <= 0 || slash <= space + 1 || slash == message.length() - 1) {
            log.debug("ignored a malformed announcement on {}: {}", RedisKeys.PUBLISHED, message);
            return;
        }
        published.accept(message.substring(0, space),
                new StreamRef(message.substring(space + 1, slash), message.substring(slash + 1)));
    }

    private StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> c = commands;
        if (c == null) {
            throw new IllegalStateException("not connected to Redis " + redacted + " yet");
        }
        return c;
    }

    /** Runs {@link RedisKeys#CLAIM}. */
    CompletableFuture<StreamLease.ClaimResult> claim(String node, StreamRef ref, Duration ttl, String addr,
                                                     long nowMillis, int worker) {
        return call(() -> connection().async().<List<Object>>eval(RedisKeys.CLAIM, ScriptOutputType.MULTI,
                        new String[] {RedisKeys.stream(ref), RedisKeys.EPOCH, RedisKeys.node(node),
                                RedisKeys.relays(ref)},
                        node, Long.toString(ttl.toMillis()), addr, Long.toString(nowMillis), ref.toString(),
                        RedisKeys.PUBLISHED, Integer.toString(worker)))
                .thenApply(StreamLease.ClaimResult::of);
    }

    /** Runs {@link RedisKeys#RELEASE}; {@code epoch} null gives back whatever epoch this node holds. */
    CompletableFuture<Boolean> release(String node, StreamRef ref, Long epoch) {
        return call(() -> connection().async().<Long>eval(RedisKeys.RELEASE, ScriptOutputType.INTEGER,
                        new String[] {RedisKeys.stream(ref), RedisKeys.node(node), RedisKeys.relays(ref)},
                        node, epoch == null ? "*" : epoch.toString(), ref.toString()))
                .thenApply(n -> n != null && n == 1);
    }

    /** Runs {@link RedisKeys#RELAYING}: {@code node} relays {@code ref} for the next {@code ttl}. */
    CompletableFuture<Void> relaying(String node, StreamRef ref, Duration ttl) {
        return call(() -> connection().async().<Long>eval(RedisKeys.RELAYING, ScriptOutputType.INTEGER,
                new String[] {RedisKeys.relays(ref)}, node, Long.toString(ttl.toMillis()))).thenApply(n -> null);
    }

    /** {@code node} no longer relays {@code ref}. */
    CompletableFuture<Void> relayEnded(String node, StreamRef ref) {
        return call(() -> connection().async().zrem(RedisKeys.relays(ref), node)).thenApply(n -> null);
    }

    /** Runs {@link RedisKeys#WHERE}: the lease on {@code ref} (null when none) and the hosts relaying it. */
    CompletableFuture<StreamLease.Where> where(StreamRef ref) {
        return call(() -> connection().async().<List<Object>>eval(RedisKeys.WHERE, ScriptOutputType.MULTI,
                new String[] {RedisKeys.stream(ref), RedisKeys.relays(ref)})).thenApply(StreamLease.Where::of);
    }

    /** The lease on {@code ref}; null when nobody holds one. */
    CompletableFuture<StreamLease> lease(StreamRef ref) {
        return call(() -> connection().async().hgetall(RedisKeys.stream(ref))).thenApply(StreamLease::of);
    }

    /** The names {@code node} holds leases on (or held, for a previous run). */
    CompletableFuture<Set<String>> namesOf(String node) {
        return call(() -> connection().async().smembers(RedisKeys.node(node)));
    }

    private interface Call<T> {
        java.util.concurrent.CompletionStage<T> start();
    }

    private static <T> CompletableFuture<T> call(Call<T> call) {
        try {
            return call.start().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether both connections are up now and the announcements are subscribed to. */
    boolean ready() {
        StatefulRedisConnection<String, String> c = commands;
        StatefulRedisPubSubConnection<String, String> p = pubsub;
        return subscribed && c != null && c.isOpen() && p != null && p.isOpen();
    }

    /** Closes both connections and Lettuce's threads without waiting for them. */
    @Override
    public void close() {
        closed = true;
        // Shutting the client down closes its connections.
        client.shutdownAsync(0, 2, TimeUnit.SECONDS).whenComplete((v, e) -> resources.shutdown(0, 2, TimeUnit.SECONDS));
    }
}
