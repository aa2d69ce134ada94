package io.sluice.worker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.MediaTagReader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One live stream on this worker: at most one publisher, any number of subscribers, and what a
 * new subscriber needs first (metadata, sequence headers, the GOP cache).
 *
 * <p>Threading: the publisher's loop calls {@link #publishMedia}; subscribers call
 * {@link #subscribe}/{@link #unsubscribe} from their own loops. A short lock orders these
 * (it is only contended when a player joins while a frame is being published); delivery
 * happens outside it, in the {@link FanoutGroup} of each subscriber's loop.
 */
public final class LiveStream {

    private final StreamKey key;
    private final TimestampNormalizer normalizer = new TimestampNormalizer();
    private final GopCache gop;
    /** Keyed by kind, packet type and track so multitrack streams keep every track's configuration. */
    private final Map<Integer, MediaFrame> sequenceHeaders = new LinkedHashMap<>();
    private MediaFrame metadata;
    private Publisher publisher;
    private FanoutGroup[] groups = new FanoutGroup[0];
    /** Written under the stream's lock; read without it by the fan-out groups. */
    private volatile int subscribers;

    private long publishedAtMillis;
    private long bytesIn;
    private long framesIn;
    private String videoCodec;
    private String audioCodec;

    private final StreamRegistry registry;

    /** Users (publisher and subscriber sessions); maintained by {@link StreamRegistry}. */
    int references;

    LiveStream(StreamKey key, GopSettings gopSettings, StreamRegistry registry) {
        this.key = key;
        this.registry = registry;
        this.gop = new GopCache(gopSettings.enabled(), gopSettings.maxFrames(), gopSettings.maxBytes());
    }

    /**
     * How long audio may wait for video, read by the fan-out groups: players.audio_batch in
     * nanoseconds once the stream has players.audio_batch_min_players players here, else zero.
     */
    long audioBatchNanos() {
        return subscribers >= registry.audioBatchMinPlayers() ? registry.audioBatchNanos() : 0;
    }

    /** players.merge_writes in nanoseconds, read by the fan-out groups. */
    long mergeWritesNanos() {
        return registry.mergeWritesNanos();
    }

    public StreamKey key() {
        return key;
    }

    /**
     * Makes {@code p} the publisher.
     *
     * @return false when the stream already has one (the caller answers Publish.BadName)
     */
    public synchronized boolean attach(Publisher p) {
        if (publisher != null) {
            return false;
        }
        publisher = p;
        publishedAtMillis = System.currentTimeMillis();
        bytesIn = 0;
        framesIn = 0;
        videoCodec = null;
        audioCodec = null;
        normalizer.newPublisher();
        for (FanoutGroup g : groups) {
            g.enqueue(FanoutGroup.PublisherChange.START);
        }
        if (!p.standsIn()) {
            registry.published(this);
        }
        return true;
    }

    /**
     * Makes {@code p} the publisher in place of a stand-in (a relay whose source has left: the
     * master granted the name to {@code p}), which is closed with {@code reason}; or when there
     * is no publisher at all.
     *
     * @return false when a real publisher holds the stream
     */
    public boolean takeOver(Publisher p, String reason) {
        Publisher old;
        synchronized (this) {
            old = publisher;
            if (old != null && !old.standsIn()) {
                return false;
            }
            if (old != null) {
                detach(old);
            }
            attach(p);
        }
        if (old != null) {
            old.close(reason);
        }
        return true;
    }

    /** True if a relay stands in as the publisher (see {@link #takeOver}). */
    public synchronized boolean publishedByStandIn() {
        return publisher != null && publisher.standsIn();
    }

    /** Ends {@code p}'s publishing; its cached state goes with it. No-op if it is not the publisher. */
    public synchronized void detach(Publisher p) {
        if (publisher != p) {
            return;
        }
        publisher = null;
        clearCachedState();
        for (FanoutGroup g : groups) {
            g.enqueue(FanoutGroup.PublisherChange.STOP);
        }
    }

    /**
     * Publishes one audio or video frame: an FLV audio or video tag body, as RTMP carries it.
     * Takes ownership of {@code payload}. The stream inspects it (codec, key frame, sequence
     * header: {@link MediaTagReader}) for the GOP cache and slow players, whoever publishes.
     *
     * @param kind      {@link MediaFrame.Kind#AUDIO} or {@link MediaFrame.Kind#VIDEO}
     * @param timestamp the publisher's timestamp; the stream's timeline may shift it
     */
    public void publishMedia(Publisher p, MediaFrame.Kind kind, long timestamp, ByteBuf payload) {
        MediaTag tag = switch (kind) {
            case AUDIO -> MediaTagReader.inspectAudio(payload);
            case VIDEO -> MediaTagReader.inspectVideo(payload);
            case DATA -> {
                payload.release();
                throw new IllegalArgumentException("data is published with publishData");
            }
        };
        publish(p, kind, tag, false, timestamp, payload);
    }

    /**
     * Publishes a data message ({@code payload} is its AMF0 body, ownership taken). The stream's
     * onMetaData is kept and sent first to every new subscriber.
     */
    public void publishData(Publisher p, long timestamp, ByteBuf payload, boolean isMetadata) {
        publish(p, MediaFrame.Kind.DATA, null, isMetadata, timestamp, payload);
    }

    /** Forgets the stored onMetaData ({@code @clearDataFrame}). */
    public synchronized void clearMetadata(Publisher p) {
        if (publisher == p && metadata != null) {
            metadata.release();
            metadata = null;
        }
    }

    private synchronized void publish(Publisher p, MediaFrame.Kind kind, MediaTag tag, boolean isMetadata,
                                      long timestamp, ByteBuf payload) {
        if (publisher != p || p == null) {
            payload.release(); // a publisher that was replaced or detached: drop its late frames
            return;
        }
        long ts = normalizer.normalize(kind, timestamp);
        MediaFrame frame = new MediaFrame(kind, ts, tag, isMetadata, payload);
        try {
            FrameEncoding first = registry.eagerEncoding();
            if (first != null) {
                // Made here, on the publisher's thread, the encoding most players ask for costs the
                // players' loops nothing; any other is made by the first subscriber that asks.
                frame.encoded(first);
            }
            bytesIn += payload.readableBytes();
            framesIn++;
            remember(frame);
            for (FanoutGroup g : groups) {
                if (g.subscribed > 0) { // a loop whose players all left is not woken per frame
                    g.enqueue(frame.retain());
                }
            }
        } finally {
            frame.release();
        }
    }

    private void remember(MediaFrame frame) {
        if (frame.isMetadata()) {
            if (metadata != null) {
                metadata.release();
            }
            metadata = frame.retain();
            return;
        }
        if (frame.isConfiguration()) {
            MediaTag tag = frame.tag();
            if (tag.sequenceHeader()) {
                if (frame.isVideo()) {
                    videoCodec = tag.codec();
                } else {
                    audioCodec = tag.codec();
                }
            }
            int slot = (frame.kind().ordinal() << 24) | (tag.packetType().ordinal() << 16) | (tag.trackId() & 0xffff);
            MediaFrame old = sequenceHeaders.put(slot, frame.retain());
            if (old != null) {
                // A new video configuration makes the cached GOP undecodable for new players.
                if (frame.isVideo() && tag.sequenceHeader() && !ByteBufUtil.equals(old.payload(), frame.payload())) {
                    gop.clear();
                }
                old.release();
            }
            return;
        }
        if (frame.tag() != null) {
            if (frame.isVideo() && videoCodec == null) {
                videoCodec = frame.tag().codec();
            } else if (!frame.isVideo() && audioCodec == null) {
                audioCodec = frame.tag().codec();
            }
        }
        gop.add(frame);
    }

    /**
     * Adds a subscriber. Call on {@code s.executor()}; its first callback is
     * {@link Subscriber#onJoin} with the state at this moment.
     */
    public void subscribe(Subscriber s) {
        List<MediaFrame> snapshot = new ArrayList<>();
        synchronized (this) {
            subscribers++;
            boolean live = publisher != null;
            if (live) {
                if (metadata != null) {
                    snapshot.add(metadata.retain());
                }
                for (MediaFrame f : sequenceHeaders.values()) {
                    snapshot.add(f.retain());
                }
                gop.snapshot(snapshot);
            }
            FanoutGroup g = groupFor(s.executor());
            g.subscribed++;
            g.enqueue(new FanoutGroup.Join(s, snapshot, live));
        }
    }

    /** Removes a subscriber; call on {@code s.executor()} after {@code s.active()} turned false. */
    public void unsubscribe(Subscriber s) {
        FanoutGroup group;
        synchronized (this) {
            subscribers--;
            group = groupFor(s.executor());
            group.subscribed--;
        }
        group.remove(s);
    }

    private FanoutGroup groupFor(EventExecutor executor) {
        for (FanoutGroup g : groups) {
            if (g.executor() == executor) {
                return g;
            }
        }
        FanoutGroup g = new FanoutGroup(this, executor);
        groups = Arrays.copyOf(groups, groups.length + 1);
        groups[groups.length - 1] = g;
        return g;
    }

    /** Applies new GOP cache settings (reload). */
    synchronized void configure(GopSettings settings) {
        gop.configure(settings.enabled(), settings.maxFrames(), settings.maxBytes());
    }

    private void clearCachedState() {
        gop.clear();
        sequenceHeaders.values().forEach(MediaFrame::release);
        sequenceHeaders.clear();
        if (metadata != null) {
            metadata.release();
            metadata = null;
        }
    }

    /** Releases everything cached; the registry calls it when the last user left. */
    synchronized void dispose() {
        clearCachedState();
    }

    public synchronized boolean hasPublisher() {
        return publisher != null;
    }

    public synchronized int subscriberCount() {
        return subscribers;
    }

    /** A consistent view for status output. */
    public synchronized StreamStats stats() {
        return new StreamStats(key, publisher == null ? null : publisher.origin(), publishedAtMillis,
                subscribers, bytesIn, framesIn, videoCodec, audioCodec, gop.frameCount(), gop.byteCount());
    }

    /** What {@code bin/ctl streams} shows about one stream. */
    public record StreamStats(StreamKey key, String publisherOrigin, long publishedAtMillis, int subscribers,
                              long bytesIn, long framesIn, String videoCodec, String audioCodec,
                              int gopFrames, long gopBytes) {
    }
}
