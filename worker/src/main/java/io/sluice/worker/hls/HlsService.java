package io.sluice.worker.hls;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.common.config.HlsSettings;
import io.sluice.common.config.SluiceConfig;
import io.sluice.worker.runtime.Listener;
import io.sluice.worker.runtime.WorkerRuntime;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.StreamRegistry;
import io.sluice.worker.stream.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HLS on one worker: starts a {@link Segmenter} for every stream published on this worker (not
 * for relays, whose owner segments), owns the one thread that does this worker's HLS file I/O,
 * and sweeps the HLS root for files a dead owner left (at start, then every {@value #SWEEP_SECONDS} s).
 * Settings apply in place: new publishes, the next segment, the next removal.
 */
public final class HlsService implements Listener {

    private static final Logger log = LoggerFactory.getLogger(HlsService.class);
    static final int SWEEP_SECONDS = 30;
    /** A directory nobody wrote for {@code hls.keep} plus this long is an orphan. */
    static final long ORPHAN_SLACK_MS = 60_000;
    /** Bytes waiting for the file thread, all streams together, before segments are dropped. */
    static final long MAX_QUEUED_BYTES = 64L << 20;
    /** Fragment length inside an fMP4 segment without Low-Latency HLS. */
    static final long PLAIN_FRAGMENT_MS = 1000;

    private final WorkerRuntime runtime;
    private final Path root;
    private final ScheduledExecutorService io;
    private final Set<Path> active = ConcurrentHashMap.newKeySet();
    private final Limits limits = new Limits();
    private volatile HlsSettings settings;
    private final BlockingReload blocking;

    /** What segmenters and their files read of the settings, at the moment they need it. */
    final class Limits {
        private final AtomicLong queued = new AtomicLong();

        long segmentMillis() {
            return settings.segment().toMillis();
        }

        /**
         * How long an fMP4 fragment lasts at most: {@code hls.part} with Low-Latency HLS, else
         * {@value #PLAIN_FRAGMENT_MS} ms (fewer boxes, and still no whole segment held in memory).
         */
        long partMillis() {
            return lowLatency(settings) ? settings.part().toMillis() : PLAIN_FRAGMENT_MS;
        }

        /** {@code hls.delta_updates}, for Low-Latency playlists. */
        boolean deltaUpdates() {
            return settings.deltaUpdates();
        }

        int minTargetDuration() {
            return (int) ((settings.segment().toMillis() + 999) / 1000);
        }

        int window() {
            return settings.window();
        }

        long graceMillis() {
            return settings.grace().toMillis();
        }

        long keepMillis() {
            return settings.keep().toMillis();
        }

        boolean enqueue(int bytes) {
            if (queued.addAndGet(bytes) > MAX_QUEUED_BYTES) {
                queued.addAndGet(-bytes);
                return false;
            }
            return true;
        }

        void dequeued(int bytes) {
            queued.addAndGet(-bytes);
        }
    }

    /**
     * Plugs HLS into {@code runtime}: its registry tells of every publish from now on.
     *
     * @param root the HLS root ({@code hls.path} resolved)
     */
    public HlsService(WorkerRuntime runtime, Path root, HlsSettings settings) {
        this.runtime = runtime;
        this.root = root.toAbsolutePath().normalize();
        this.settings = settings;
        this.io = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hls-io");
            t.setDaemon(true);
            return t;
        });
        BlockingReload b;
        try {
            b = new BlockingReload(BlockingReload.DEFAULT_MAX_PARKED);
        } catch (IOException e) {
            log.warn("no directory watch, Low-Latency HLS requests are answered without blocking: {}", e.toString());
            b = null;
        }
        this.blocking = b;
        runtime.registry().onPublish(this::published);
        runtime.add(this);
        io.execute(this::sweep);
        io.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    /** Where this worker's blocking Low-Latency HLS requests wait; null when the watch could not start. */
    public BlockingReload blockingReload() {
        return blocking;
    }

    /** The root every worker serves the files from. */
    public Path root() {
        return root;
    }

    /** Called under the stream's lock: only hands the work to an event loop. */
    private void published(LiveStream stream) {
        if (!settings.enabled()) {
            return;
        }
        EventExecutor loop = runtime.group().next();
        loop.execute(() -> start(stream, loop));
    }

    private void start(LiveStream published, EventExecutor loop) {
        Path dir = HlsLayout.streamDir(root, published.key());
        if (dir == null) {
            log.info("stream name cannot be an HLS path, not segmented [stream:{}]", published.key());
            return;
        }
        StreamRegistry registry = runtime.registry();
        LiveStream stream = registry.acquire(published.key());
        String tag = Long.toHexString(System.nanoTime() & 0xffffffL | 0x1000000L).substring(1);
        HlsSettings s = settings;
        boolean fmp4 = s.format().equals(HlsSettings.FORMAT_FMP4);
        StreamFiles files = fmp4
                ? new StreamFiles(dir, tag, io, limits, HlsLayout.FMP4_SEGMENT_SUFFIX,
                        lowLatency(s) ? s.part().toMillis() : 0)
                : new StreamFiles(dir, tag, io, limits);
        active.add(dir);
        io.execute(files::begin);
        Runnable onEnd = () -> {
            registry.release(stream);
            io.execute(() -> active.remove(dir));
        };
        Subscriber segmenter = fmp4
                ? new Fmp4Segmenter(stream, loop, io, files, limits, PooledByteBufAllocator.DEFAULT,
                        System::currentTimeMillis, onEnd)
                : new Segmenter(stream, loop, io, files, limits, PooledByteBufAllocator.DEFAULT,
                        System::currentTimeMillis, onEnd);
        stream.subscribe(segmenter);
        log.debug("HLS segmenting [stream:{}, dir:{}]", stream.key(), dir);
    }

    private void sweep() {
        try {
            long staleBefore = System.currentTimeMillis() - settings.keep().toMillis() - ORPHAN_SLACK_MS;
            int removed = HlsSweeper.sweep(root, staleBefore, Set.copyOf(active));
            if (removed > 0) {
                log.info("removed the HLS files of {} streams nobody writes any more [root:{}]", removed, root);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("HLS sweep failed [root:{}]: {}", root, e.toString());
        }
    }

    /** Low-Latency HLS is made only with fMP4 parts. */
    static boolean lowLatency(HlsSettings s) {
        return s.lowLatency() && s.format().equals(HlsSettings.FORMAT_FMP4);
    }

    @Override
    public void settingsChanged(SluiceConfig config) {
        settings = config.hls();
    }

    @Override
    public void stopAccepting() {
        // Segmenting goes on while the publishers of a draining worker do.
    }

    /** Lets the file thread finish what is queued, briefly: the worker's stop is bounded. */
    @Override
    public void close() {
        if (blocking != null) {
            blocking.close();
        }
        io.shutdown();
        try {
            io.awaitTermination(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
