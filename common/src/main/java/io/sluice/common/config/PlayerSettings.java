package io.sluice.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How players are served and when they are given up on (section {@code players}).
 *
 * @param writeBufferHigh  queued outbound bytes above which a player counts as slow (Netty high water mark)
 * @param writeBufferLow   queued outbound bytes under which it is writable again (low water mark)
 * @param slowTimeout      a player slow for this long without a break is disconnected
 * @param playWaitTimeout  how long play waits for an unpublished stream; zero waits forever
 * @param idleRelayLinger  a relay from another worker closes this long after its last local player left
 * @param audioBatch       audio-only messages wait at most this long for the next video frame, so one
 *                         write to a player carries both; zero (the default) writes each message
 *                         at once. Waiting adds up to one video frame interval of latency to the audio
 * @param audioBatchMinPlayers audio waits (audioBatch) only in streams with at least this many
 *                         players on the worker: where the writes cost most, and where an audience's
 *                         latency is already that of a long fan-out; smaller audiences get every
 *                         message at once
 * @param mergeWrites      everything written to players within this window goes out in one write
 *                         (SRS's merged write, {@code mw_latency}); adds up to this much latency
 */
public record PlayerSettings(int writeBufferHigh, int writeBufferLow, Duration slowTimeout,
                             Duration playWaitTimeout, Duration idleRelayLinger, Duration audioBatch,
                             int audioBatchMinPlayers, Duration mergeWrites) {

    public PlayerSettings {
        Objects.requireNonNull(slowTimeout, "slowTimeout");
        Objects.requireNonNull(playWaitTimeout, "playWaitTimeout");
        Objects.requireNonNull(idleRelayLinger, "idleRelayLinger");
        Objects.requireNonNull(audioBatch, "audioBatch");
        Objects.requireNonNull(mergeWrites, "mergeWrites");
        if (audioBatchMinPlayers < 0) {
            throw new IllegalArgumentException("audioBatchMinPlayers must not be negative: " + audioBatchMinPlayers);
        }
        // Netty's WriteBufferWaterMark refuses low > high; equal would flap on every write.
        if (writeBufferLow >= writeBufferHigh) {
            throw new IllegalArgumentException("writeBufferLow (" + writeBufferLow
                    + ") must be less than writeBufferHigh (" + writeBufferHigh + ")");
        }
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static PlayerSettings defaults() {
        return new PlayerSettings(4 << 20, 2 << 20, Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(5),
                Duration.ZERO, 1000, Duration.ZERO);
    }

    /** True when play waits without limit for a stream to be published (nginx-rtmp's behaviour). */
    public boolean playWaitsForever() {
        return playWaitTimeout.isZero();
    }
}
