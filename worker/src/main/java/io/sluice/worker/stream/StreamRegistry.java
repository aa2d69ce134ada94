package io.sluice.worker.stream;

import io.sluice.common.config.PlayerSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The live streams of this worker, by key. A stream exists while someone uses it (its
 * publisher, or players waiting for or watching it) and is dropped with its cached state when
 * the last user releases it.
 */
public final class StreamRegistry {

    private final ConcurrentHashMap<StreamKey, LiveStream> streams = new ConcurrentHashMap<>();
    private volatile Supplier<? extends FrameEncoding> eagerEncoding;
    private volatile GopSettings gopSettings;
    private volatile long audioBatchNanos;
    private volatile long mergeWritesNanos;
    private volatile int audioBatchMinPlayers;
    private volatile java.util.function.Consumer<LiveStream> onPublish = s -> { };

    public StreamRegistry(GopSettings gopSettings) {
        this.gopSettings = gopSettings;
    }

    /**
     * The encoding to make of every frame as it is published, on the publisher's thread (the one
     * most subscribers of this worker ask for, e.g. RTMP chunks at the configured chunk size); read
     * per frame, so it may follow the settings. Without one, each encoding is made by the first
     * subscriber that asks for it.
     */
    public void encodeEagerly(Supplier<? extends FrameEncoding> encoding) {
        eagerEncoding = encoding;
    }

    /** What {@link #encodeEagerly} asks for now; null for none. */
    FrameEncoding eagerEncoding() {
        Supplier<? extends FrameEncoding> s = eagerEncoding;
        return s == null ? null : s.get();
    }

    /**
     * Tells {@code listener} of every publisher that starts on this worker (not relays, which
     * stand in for a publisher elsewhere). Called under the stream's lock: the listener must only
     * hand work to another thread, never call back into the stream or the registry.
     */
    public void onPublish(java.util.function.Consumer<LiveStream> listener) {
        onPublish = listener;
    }

    void published(LiveStream stream) {
        try {
            onPublish.accept(stream);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(StreamRegistry.class).warn("publish listener failed [stream:{}]",
                    stream.key(), e);
        }
    }

    /** The stream for {@code key}, created if needed; pair every call with {@link #release}. */
    public LiveStream acquire(StreamKey key) {
        return streams.compute(key, (k, s) -> {
            LiveStream stream = s != null ? s : new LiveStream(k, gopSettings, this);
            stream.references++;
            return stream;
        });
    }

    public void release(LiveStream stream) {
        streams.computeIfPresent(stream.key(), (k, s) -> {
            if (s != stream) {
                return s;
            }
            if (--s.references > 0) {
                return s;
            }
            s.dispose();
            return null;
        });
    }

    /** The stream if it exists, without taking a reference (status queries). */
    public LiveStream find(StreamKey key) {
        return streams.get(key);
    }

    public List<LiveStream> all() {
        return new ArrayList<>(streams.values());
    }

    public int size() {
        return streams.size();
    }

    /** Applies new GOP cache settings to every stream and to streams created from now on. */
    public void updateGopSettings(GopSettings settings) {
        gopSettings = settings;
        streams.values().forEach(s -> s.configure(settings));
    }

    /**
     * Applies the write batching of section {@code players}: {@code audio_batch},
     * {@code audio_batch_min_players} and {@code merge_writes}. Takes effect at once.
     */
    public void writeBatching(PlayerSettings players) {
        audioBatch(players.audioBatch());
        audioBatchMinPlayers(players.audioBatchMinPlayers());
        mergeWrites(players.mergeWrites());
    }

    /**
     * How long audio-only batches may wait for video before players are flushed ({@code
     * players.audio_batch}); zero flushes each batch at once.
     */
    void audioBatch(java.time.Duration delay) {
        audioBatchNanos = delay.toNanos();
    }

    long audioBatchNanos() {
        return audioBatchNanos;
    }

    /**
     * The players a stream needs on this worker before its audio waits for video ({@code
     * players.audio_batch_min_players}); zero: every stream's.
     */
    void audioBatchMinPlayers(int players) {
        audioBatchMinPlayers = players;
    }

    int audioBatchMinPlayers() {
        return audioBatchMinPlayers;
    }

    /** How long players' writes are merged ({@code players.merge_writes}); zero: video at once. */
    void mergeWrites(java.time.Duration window) {
        mergeWritesNanos = window.toNanos();
    }

    long mergeWritesNanos() {
        return mergeWritesNanos;
    }
}
