package io.sluice.worker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Ticker;
import io.sluice.worker.media.MediaTagReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.sluice.worker.stream.FrameGate.Verdict.DISCONNECT;
import static io.sluice.worker.stream.FrameGate.Verdict.SEND;
import static io.sluice.worker.stream.FrameGate.Verdict.SKIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slow-player policy every protocol's player applies ({@link FrameGate}), with a clock of the
 * test's own: start on a key frame, video dropped to the next key frame while over the mark (audio,
 * data and configuration still go), disconnect after the slow timeout, and the clock read only
 * while slow.
 */
class FrameGateTest {

    private final List<MediaFrame> frames = new ArrayList<>();

    /** A clock the test moves, counting how often it is read. */
    private static final class TestClock implements Ticker {
        long nanos;
        int reads;

        @Override
        public long initialNanoTime() {
            return 0;
        }

        @Override
        public long nanoTime() {
            reads++;
            return nanos;
        }

        @Override
        public void sleep(long delay, TimeUnit unit) {
            nanos += unit.toNanos(delay);
        }
    }

    @AfterEach
    void release() {
        frames.forEach(MediaFrame::release);
    }

    private MediaFrame video(int... bytes) {
        ByteBuf b = Unpooled.buffer();
        for (int x : bytes) {
            b.writeByte(x);
        }
        MediaFrame f = new MediaFrame(MediaFrame.Kind.VIDEO, 0, MediaTagReader.inspectVideo(b), false, b);
        frames.add(f);
        return f;
    }

    private MediaFrame audio() {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {(byte) 0xaf, 1, 0x21});
        MediaFrame f = new MediaFrame(MediaFrame.Kind.AUDIO, 0, MediaTagReader.inspectAudio(b), false, b);
        frames.add(f);
        return f;
    }

    private MediaFrame key() {
        return video(0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65);
    }

    private MediaFrame inter() {
        return video(0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41);
    }

    private MediaFrame config() {
        return video(0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f);
    }

    @Test
    void startsOnAKeyframeDropsVideoWhileSlowAndDisconnectsAfterTheTimeout() {
        TestClock clock = new TestClock();
        FrameGate gate = new FrameGate(TimeUnit.SECONDS.toNanos(2), clock);
        assertEquals(SEND, gate.admit(config(), true));
        assertEquals(SKIP, gate.admit(inter(), true), "no start on an inter frame");
        assertEquals(SEND, gate.admit(key(), true));
        assertEquals(SEND, gate.admit(inter(), true));
        assertEquals(0, clock.reads, "the clock is not read while the player keeps up");

        assertEquals(SKIP, gate.admit(inter(), false));
        assertTrue(gate.slow());
        assertEquals(SEND, gate.admit(audio(), false), "audio still goes");
        assertEquals(SEND, gate.admit(config(), false), "configuration still goes");
        assertEquals(SKIP, gate.admit(key(), false));
        assertEquals(2, gate.droppedInEpisode());
        clock.nanos += TimeUnit.MILLISECONDS.toNanos(1500);
        assertEquals(1500, gate.slowMillis());
        gate.caughtUp();
        assertFalse(gate.slow());

        assertEquals(SKIP, gate.admit(inter(), true), "after a slow episode video waits for a key frame");
        assertEquals(SEND, gate.admit(key(), true));

        assertEquals(SEND, gate.admit(audio(), false));
        clock.nanos += TimeUnit.MILLISECONDS.toNanos(1999);
        assertEquals(SEND, gate.admit(audio(), false));
        clock.nanos += TimeUnit.MILLISECONDS.toNanos(1);
        assertEquals(DISCONNECT, gate.admit(audio(), false));
    }

    @Test
    void receiveAudioAndVideoSwitchTracksAndVideoRestartsOnAKeyframe() {
        FrameGate gate = new FrameGate(TimeUnit.SECONDS.toNanos(2), new TestClock());
        assertEquals(SEND, gate.admit(key(), true));
        gate.audio(false);
        assertEquals(SKIP, gate.admit(audio(), true));
        gate.video(false);
        assertEquals(SKIP, gate.admit(key(), true));
        gate.video(true);
        assertEquals(SKIP, gate.admit(inter(), true));
        assertEquals(SEND, gate.admit(key(), true));
        gate.restartAtKeyframe();
        assertEquals(SKIP, gate.admit(inter(), true));
    }
}
