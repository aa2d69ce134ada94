package io.sluice.worker.hls;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.common.config.HlsSettings;
import io.sluice.common.config.SluiceConfig;
import io.sluice.worker.runtime.Listener;
import io.sluice.worker.runtime.WorkerRuntime;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.StreamRegistry;
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

    private final WorkerRuntime runtime;
    private final Path root;
    private final ScheduledExecutorService io;
    private final Set<Path> active = ConcurrentHashMap.newKeySet();
    private final Limits limits = new Limits();
    private volatile HlsSettings settings;

    /** What segmenters and their files read of the settings, at the moment they need it. */
    final class Limits {
        private final AtomicLong queued = new AtomicLong();

        long segmentMillis() {
            return settings.segment().toMillis();
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
        warnFormat(settings);
        runtime.registry().onPublish(this::published);
        runtime.add(this);
        io.execute(this::sweep);
        io.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
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
        StreamFiles files = new StreamFiles(dir, tag, io, limits);
        active.add(dir);
        io.execute(files::begin);
        Segmenter segmenter = new Segmenter(stream, loop, io, files, limits, PooledByteBufAllocator.DEFAULT,
                System::currentTimeMillis, () -> {
                    registry.release(stream);
                    io.execute(() -> active.remove(dir));
                });
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

    private static void warnFormat(HlsSettings s) {
        if (s.format().equals("fmp4")) {
            log.warn("hls.format fmp4 is not available in this build; HLS segments are MPEG-TS");
        }
    }

    @Override
    public void settingsChanged(SluiceConfig config) {
        HlsSettings next = config.hls();
        if (!next.format().equals(settings.format())) {
            warnFormat(next);
        }
        settings = next;
    }

    @Override
    public void stopAccepting() {
        // Segmenting goes on while the publishers of a draining worker do.
    }

    /** Lets the file thread finish what is queued, briefly: the worker's stop is bounded. */
    @Override
    public void close() {
        io.shutdown();
        try {
            io.awaitTermination(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
