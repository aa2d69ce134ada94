package io.sluice.worker.stream;

import io.netty.util.concurrent.Ticker;
import io.sluice.worker.stats.WorkerCounters;

/**
 * Which frames one player is sent, whatever its protocol: the slow-player policy, and where a
 * player may start. One per player, shared by no one; every protocol's player asks it for each
 * frame before writing it, so RTMP and HTTP-FLV players are treated alike.
 *
 * <p>Slow players: Netty's write buffer watermarks bound what may queue for a connection. Over
 * the high mark ({@code writable} false), video is dropped (audio, data and sequence headers
 * still go) and resumes at the next key frame once the connection is writable again, so the
 * picture never shows frames that reference missing ones. A player that stays over the mark for
 * {@code slowTimeoutNanos} is to be disconnected ({@link Verdict#DISCONNECT}, with the first frame
 * after the timeout). The player logs each episode; this class only counts.
 *
 * <p>Frames whose type is unknown (codecs that cannot be inspected) are neither key nor
 * droppable: they always pass, so no codec is ever starved.
 *
 * <p>Not thread-safe: used on the player's event loop.
 */
public final class FrameGate {

    /** What to do with a frame. */
    public enum Verdict { SEND, SKIP, DISCONNECT }

    private final long slowTimeoutNanos;
    private final Ticker clock;
    private boolean waitKeyframe = true;
    private boolean audio = true;
    private boolean video = true;
    private boolean slow;
    private long slowSinceNanos;
    private long droppedInEpisode;

    /**
     * @param slowTimeoutNanos {@code players.slow_timeout}: how long a player may stay over the high mark
     * @param clock            the player's event loop's clock (a test's loop may run its own); read
     *                         only while the player is over the mark, not per frame
     */
    public FrameGate(long slowTimeoutNanos, Ticker clock) {
        this.slowTimeoutNanos = slowTimeoutNanos;
        this.clock = clock;
    }

    /**
     * Decides about {@code frame}.
     *
     * @param writable whether the connection is under its high watermark
     */
    public Verdict admit(MediaFrame frame, boolean writable) {
        if (!writable && tooSlow(clock.nanoTime())) {
            WorkerCounters.slowPlayerDisconnected();
            return Verdict.DISCONNECT;
        }
        return switch (frame.kind()) {
            case DATA -> Verdict.SEND;
            case AUDIO -> audio ? Verdict.SEND : Verdict.SKIP;
            case VIDEO -> video ? admitVideo(frame, writable) : Verdict.SKIP;
        };
    }

    private Verdict admitVideo(MediaFrame frame, boolean writable) {
        if (frame.isConfiguration()) {
            return Verdict.SEND;
        }
        boolean startable = frame.isKeyframe();
        boolean skippable = frame.isDroppable();
        if (!writable && (startable || skippable)) {
            waitKeyframe = true;
            droppedInEpisode++;
            WorkerCounters.frameDropped();
            return Verdict.SKIP;
        }
        if (waitKeyframe && (startable || skippable)) {
            if (!startable) {
                if (slow) {
                    droppedInEpisode++;
                    WorkerCounters.frameDropped();
                }
                return Verdict.SKIP;
            }
            waitKeyframe = false;
        }
        return Verdict.SEND;
    }

    /** Starts or continues a slow episode; true once it lasted too long. */
    private boolean tooSlow(long now) {
        if (!slow) {
            slow = true;
            slowSinceNanos = now;
            droppedInEpisode = 0;
            return false;
        }
        return now - slowSinceNanos >= slowTimeoutNanos;
    }

    /** Video resumes at the next key frame only (unpause, a new publisher, video switched on). */
    public void restartAtKeyframe() {
        waitKeyframe = true;
    }

    /** RTMP's receiveAudio. */
    public void audio(boolean on) {
        audio = on;
    }

    /** RTMP's receiveVideo; switching it on waits for a key frame. */
    public void video(boolean on) {
        if (on && !video) {
            waitKeyframe = true;
        }
        video = on;
    }

    /** True while a slow episode is on. */
    public boolean slow() {
        return slow;
    }

    /** How long the current slow episode has lasted, milliseconds. */
    public long slowMillis() {
        return slow ? (clock.nanoTime() - slowSinceNanos) / 1_000_000 : 0;
    }

    /** Video frames dropped in the current slow episode. */
    public long droppedInEpisode() {
        return droppedInEpisode;
    }

    /** Ends a slow episode (the connection is writable again); call after reading its figures. */
    public void caughtUp() {
        slow = false;
        droppedInEpisode = 0;
    }
}
