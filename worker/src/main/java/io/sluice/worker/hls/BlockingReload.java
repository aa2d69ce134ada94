package io.sluice.worker.hls;

import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Low-Latency HLS blocking requests on one worker (RFC 8216bis, 6.2.5.2): a playlist request
 * with {@code _HLS_msn}/{@code _HLS_part}, or a request for the part a preload hint names, is
 * parked until the owner of the stream (this worker or another) has renamed the file that
 * answers it into the stream's directory.
 *
 * <p>Why a directory watch: the owner may be another worker process, and the files are the one
 * thing all workers share. One {@link WatchService} (inotify on Linux) per worker, one watch per
 * stream directory that has a parked request, one thread that takes the events; a parked
 * request costs a list entry and a timer, never a poll. Every part, playlist and segment is
 * renamed into place, so the event comes when the whole file is there.
 *
 * <p>Bounded: at most {@code maxParked} requests wait on this worker (the next is answered
 * {@link Outcome#BUSY} at once), and each waits at most three target durations, then is answered
 * {@link Outcome#TIMEOUT} (the handler sends 503, as the RFC's "the server ... is unable to
 * deliver" case; hls.js retries). An {@code _HLS_msn} more than two segments beyond the last
 * complete one, or an {@code _HLS_part} beyond the Advance Part Limit, is {@link Outcome#TOO_FAR}
 * (400, as 6.2.5.2 says). Answers run on the event loop given with the request.
 */
public final class BlockingReload implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BlockingReload.class);
    /** Requests parked on one worker at once. */
    public static final int DEFAULT_MAX_PARKED = 10_000;
    /** Wait used when the playlist does not say its target duration. */
    private static final long DEFAULT_TIMEOUT_MS = 6_000;

    /** How a parked request ends. */
    public enum Outcome {
        /** The playlist has what was asked, or the file is there: answer it now. */
        READY,
        /** Asked for more than the RFC lets a client ask ahead: 400. */
        TOO_FAR,
        /** No such playlist or directory (the stream is not here, or ended): 404. */
        GONE,
        /** Too many requests parked on this worker: 503. */
        BUSY,
        /** Nothing came within three target durations: 503. */
        TIMEOUT
    }

    /** Stops waiting (the client left); the answer is then never called. */
    public interface Cancel {
        void cancel();
    }

    private final int maxParked;
    private final AtomicInteger parked = new AtomicInteger();
    private final WatchService watch;
    private final Map<Path, Watched> dirs = new ConcurrentHashMap<>();
    private final Thread thread;

    /** @param maxParked requests parked on this worker at once ({@link #DEFAULT_MAX_PARKED}) */
    public BlockingReload(int maxParked) throws IOException {
        this.maxParked = maxParked;
        this.watch = FileSystems.getDefault().newWatchService();
        this.thread = new Thread(this::run, "hls-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Requests parked now. */
    public int parked() {
        return parked.get();
    }

    /**
     * Answers once {@code playlist} lists segment {@code msn} complete or, with {@code part >= 0},
     * part {@code part} of segment {@code msn} or anything after it. A playlist that is not
     * Low-Latency ({@code CAN-BLOCK-RELOAD} absent) is ready at once: the directives are ignored.
     */
    public Cancel await(Path playlist, long msn, int part, EventExecutor executor, Consumer<Outcome> answer) {
        Waiter w = new Waiter(playlist, msn, part, executor, answer);
        return park(w);
    }

    /** Answers once {@code file} exists (a preload-hinted part); GONE when it is not hinted now. */
    public Cancel awaitFile(Path file, EventExecutor executor, Consumer<Outcome> answer) {
        return park(new Waiter(file, -1, -1, executor, answer));
    }

    private Cancel park(Waiter w) {
        if (parked.incrementAndGet() > maxParked) {
            parked.decrementAndGet();
            w.executor.execute(() -> w.answer.accept(Outcome.BUSY));
            return () -> { };
        }
        Position now = Position.read(w.dir.resolve(HlsLayout.MEDIA_PLAYLIST));
        Outcome early = w.check(now, true);
        if (early != null) {
            w.finish(early);
            return () -> { };
        }
        try {
            watchWith(w);
        } catch (IOException | ClosedWatchServiceException e) {
            w.finish(Outcome.GONE);
            return () -> { };
        }
        // What came between the first look and the watch.
        Outcome late = w.check(Position.read(w.dir.resolve(HlsLayout.MEDIA_PLAYLIST)), false);
        if (late != null) {
            w.finish(late);
            return () -> { };
        }
        long timeout = now.targetDuration() > 0 ? 3000L * now.targetDuration() : DEFAULT_TIMEOUT_MS;
        w.timer = w.executor.schedule(() -> w.finish(Outcome.TIMEOUT), timeout, TimeUnit.MILLISECONDS);
        return w::cancel;
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = watch.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            key.pollEvents(); // which file does not matter: the waiters look at what is there now
            Path dir = (Path) key.watchable();
            boolean valid = key.reset();
            Watched watched = dirs.get(dir);
            if (watched == null) {
                continue;
            }
            List<Waiter> copy;
            synchronized (watched) {
                copy = List.copyOf(watched.waiters);
                if (!valid) { // the directory is gone: later requests register it anew
                    watched.key = null;
                    dirs.remove(dir, watched);
                }
            }
            Position now = Position.read(dir.resolve(HlsLayout.MEDIA_PLAYLIST));
            for (Waiter w : copy) {
                Outcome o = w.check(now, false);
                if (o != null) {
                    w.finish(o);
                } else if (!valid) {
                    w.finish(Outcome.GONE);
                }
            }
        }
    }

    /**
     * Puts {@code w} among the waiters of its directory and makes sure the directory is watched.
     * The directory is registered once, by its first waiter: registering asks the JDK's inotify
     * thread and waits for its answer, which an event loop must not do for every request (a
     * Low-Latency player sends five a second); the watch stays until the directory goes.
     */
    private void watchWith(Waiter w) throws IOException {
        while (true) {
            Watched watched = dirs.computeIfAbsent(w.dir, d -> new Watched());
            synchronized (watched) {
                if (dirs.get(w.dir) != watched) {
                    continue; // removed by the watch thread meanwhile (the directory went)
                }
                watched.waiters.add(w);
                if (watched.key != null) {
                    return;
                }
                try {
                    watched.key = w.dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
                } catch (IOException | RuntimeException e) {
                    watched.waiters.remove(w);
                    throw e;
                }
                return;
            }
        }
    }

    /** A watched stream directory and the requests parked on it. */
    private static final class Watched {
        final List<Waiter> waiters = new ArrayList<>();
        /** Null until registered, and again once the directory went. */
        WatchKey key;
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            log.debug("closing the HLS watch service: {}", e.toString());
        }
    }

    /** One parked request. */
    private final class Waiter {
        final Path dir;
        final Path file;
        final long msn;
        final int part;
        final boolean forFile;
        final EventExecutor executor;
        final Consumer<Outcome> answer;
        final AtomicBoolean done = new AtomicBoolean();
        ScheduledFuture<?> timer;

        Waiter(Path file, long msn, int part, EventExecutor executor, Consumer<Outcome> answer) {
            this.file = file;
            this.dir = file.getParent();
            this.msn = msn;
            this.part = part;
            this.forFile = msn < 0;
            this.executor = executor;
            this.answer = answer;
        }

        /** The outcome now, or null to go on waiting; {@code first}: the request has just come. */
        Outcome check(Position p, boolean first) {
            if (forFile) {
                if (Files.exists(file)) {
                    return Outcome.READY;
                }
                // Only the hinted part is waited for, and only while it is hinted: a part is
                // renamed into place before the playlist that hints the next one, so a hint that
                // has moved on while the file is still not there means it will not come.
                return p == null || !file.getFileName().toString().equals(p.preloadHint()) ? Outcome.GONE : null;
            }
            if (p == null) {
                return Outcome.GONE;
            }
            if (!p.blocking() || p.has(msn, part)) {
                return Outcome.READY;
            }
            return first && p.tooFar(msn, part) ? Outcome.TOO_FAR : null;
        }

        void finish(Outcome o) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            release();
            executor.execute(() -> answer.accept(o));
        }

        void cancel() {
            if (done.compareAndSet(false, true)) {
                release();
            }
        }

        private void release() {
            parked.decrementAndGet();
            if (timer != null) {
                timer.cancel(false);
            }
            Watched watched = dirs.get(dir);
            if (watched != null) {
                synchronized (watched) {
                    watched.waiters.remove(this);
                }
            }
        }
    }

    /**
     * Where a Low-Latency media playlist is: its last complete segment, the parts of the segment
     * being made, the hinted next part.
     *
     * @param lastComplete     media sequence number of the last complete segment, -1 for none
     * @param parts            parts listed after it (of segment {@code lastComplete + 1})
     * @param lastCompleteParts parts listed for segment {@code lastComplete}, 0 when they are not
     *                          listed (then where it ended is unknown)
     * @param preloadHint      the URI of {@code EXT-X-PRELOAD-HINT}, null for none
     * @param targetDuration   {@code EXT-X-TARGETDURATION}, 0 if absent
     * @param partTargetMillis {@code PART-TARGET}, 0 if absent
     * @param blocking         {@code CAN-BLOCK-RELOAD=YES} is there
     */
    record Position(long lastComplete, int parts, int lastCompleteParts, String preloadHint, int targetDuration, long partTargetMillis,
                    boolean blocking) {

        /** The position of the playlist file, null when there is none. */
        static Position read(Path playlist) {
            try {
                return parse(Files.readString(playlist, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        static Position parse(String text) {
            long sequence = 0;
            long segments = 0;
            int parts = 0;
            int lastCompleteParts = 0;
            String hint = null;
            int target = 0;
            long partTarget = 0;
            boolean blocking = false;
            for (String line : text.split("\n")) {
                if (line.startsWith("#EXT-X-PART:")) {
                    parts++;
                } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    sequence = Long.parseLong(line.substring(22).strip());
                } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                    target = Integer.parseInt(line.substring(22).strip());
                } else if (line.startsWith("#EXT-X-PART-INF:PART-TARGET=")) {
                    partTarget = Math.round(Double.parseDouble(line.substring(28).strip()) * 1000);
                } else if (line.startsWith("#EXT-X-SERVER-CONTROL:")) {
                    blocking = line.contains("CAN-BLOCK-RELOAD=YES");
                } else if (line.startsWith("#EXT-X-PRELOAD-HINT:")) {
                    int at = line.indexOf("URI=\"");
                    int end = at < 0 ? -1 : line.indexOf('"', at + 5);
                    hint = end > 0 ? line.substring(at + 5, end) : null;
                } else if (!line.isEmpty() && !line.startsWith("#")) {
                    segments++;
                    lastCompleteParts = parts;
                    parts = 0;
                }
            }
            return new Position(sequence + segments - 1, parts, lastCompleteParts, hint, target, partTarget, blocking);
        }

        /**
         * Segment {@code msn} is complete or, for a part, that part or a later one is listed. A
         * part index past the last part of a complete segment is part 0 of the next segment
         * (RFC 8216bis 6.2.5.2), so asking for it waits for that part.
         */
        boolean has(long msn, int part) {
            if (part < 0 || msn < lastComplete) {
                return lastComplete >= msn;
            }
            if (msn == lastComplete) {
                return lastCompleteParts == 0 || part < lastCompleteParts || parts > 0;
            }
            return msn == lastComplete + 1 && parts > part;
        }

        /**
         * RFC 8216bis 6.2.5.2: more than two segments beyond the last one, or a part beyond the
         * Advance Part Limit (3 / part target in seconds, for part targets under one second).
         */
        boolean tooFar(long msn, int part) {
            if (msn > lastComplete + 2) {
                return true;
            }
            long limit = partTargetMillis > 0 && partTargetMillis < 1000 ? (3000 + partTargetMillis - 1) / partTargetMillis : 3;
            return part >= 0 && msn == lastComplete + 1 && part > parts - 1 + limit;
        }
    }
}
