package io.sluice.worker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the fan-out flushes players: audio-only batches (players.audio_batch) and merged writes.
 * The subscriber lives on an {@link EmbeddedChannel}'s event loop with a frozen clock: the test
 * runs the loop's tasks and moves its time, so batch deadlines are exact and nothing sleeps.
 */
@Timeout(20)
class WriteBatchingTest {

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final List<String> events = new ArrayList<>();

    @AfterEach
    void stop() {
        loop.finishAndReleaseAll();
    }

    /** Moves the loop's clock and runs what became due, as the loop would by then. */
    private void elapse(long millis) {
        loop.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        loop.runPendingTasks();
    }

    private final class Recorder implements Subscriber {
        boolean joined;

        @Override
        public EventExecutor executor() {
            return loop.eventLoop();
        }

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public void onJoin(List<MediaFrame> snapshot, boolean live) {
            joined = true;
        }

        @Override
        public void onFrame(MediaFrame frame) {
            events.add(frame.kind().name().toLowerCase());
        }

        @Override
        public void onPublishStart() {
        }

        @Override
        public void onPublishStop() {
        }

        @Override
        public void flush() {
            events.add("flush");
        }
    }

    private static final Publisher PUBLISHER = new Publisher() {
        @Override
        public String origin() {
            return "test";
        }

        @Override
        public void close(String reason) {
        }
    };

    private LiveStream stream(Duration audioBatch, Duration merge) {
        return stream(audioBatch, 0, merge);
    }

    private LiveStream stream(Duration audioBatch, int minPlayers, Duration merge) {
        StreamRegistry registry = new StreamRegistry(new GopSettings(true, 100, 1 << 20));
        registry.audioBatch(audioBatch);
        registry.audioBatchMinPlayers(minPlayers);
        registry.mergeWrites(merge);
        LiveStream s = registry.acquire(new StreamKey("live", "batch"));
        assertTrue(s.attach(PUBLISHER));
        loop.freezeTime();
        join(s);
        return s;
    }

    /** Subscribes one more recorder and runs its join, leaving no events behind. */
    private Recorder join(LiveStream s) {
        Recorder r = new Recorder();
        s.subscribe(r);
        loop.runPendingTasks();
        assertTrue(r.joined);
        events.clear();
        return r;
    }

    /** Publishes on the test's thread, then lets the subscriber's loop run what it was given. */
    private void publish(LiveStream s, byte[] body) {
        ByteBuf payload = Unpooled.wrappedBuffer(body);
        int type = (body[0] & 0xF0) == 0xA0 ? 8 : 9;
        s.publishMedia(PUBLISHER, type == 8 ? MediaFrame.Kind.AUDIO : MediaFrame.Kind.VIDEO, 0, payload);
        loop.runPendingTasks();
    }

    private static final byte[] AAC = {(byte) 0xAF, 1, 0x21, 0x10};
    private static final byte[] AVC_INTER = {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41};

    @Test
    void anAudioOnlyBatchWaitsForTheNextVideoFrame() {
        LiveStream s = stream(Duration.ofMillis(500), Duration.ZERO);
        publish(s, AAC);
        elapse(100);
        assertEquals(List.of("audio"), events, "audio written, not flushed yet");
        publish(s, AVC_INTER);
        assertEquals(List.of("audio", "video", "flush"), events, "the video frame flushes both at once");
        elapse(1000);
        assertEquals(List.of("audio", "video", "flush"), events, "the timer finds nothing left to flush");
    }

    @Test
    void audioWaitsOnlyOnceTheStreamHasAudioBatchMinPlayers() {
        LiveStream s = stream(Duration.ofMillis(50), 2, Duration.ZERO);
        publish(s, AAC);
        assertEquals(List.of("audio", "flush"), events, "one player of two: audio goes at once");
        events.clear();
        Recorder second = join(s);
        publish(s, AAC);
        assertEquals(List.of("audio", "audio"), events, "two players: audio waits for video");
        publish(s, AVC_INTER);
        assertEquals(List.of("audio", "audio", "video", "video", "flush", "flush"), events);
        events.clear();
        s.unsubscribe(second);
        publish(s, AAC);
        assertEquals(List.of("audio", "flush"), events, "back to one player: at once again");
    }

    @Test
    void anAudioOnlyBatchIsFlushedAfterAudioBatchWithoutVideo() {
        LiveStream s = stream(Duration.ofMillis(50), Duration.ZERO);
        publish(s, AAC);
        elapse(48);
        assertEquals(List.of("audio"), events, "not before audio_batch");
        elapse(2);
        assertEquals(List.of("audio", "flush"), events);
    }

    @Test
    void aTimerSetForAnEarlierBatchDoesNotCutALaterOneShort() {
        LiveStream s = stream(Duration.ofMillis(400), Duration.ZERO);
        publish(s, AAC);            // t=0: a timer for t=400
        elapse(100);
        publish(s, AVC_INTER);      // t=100: flushed with the video
        elapse(100);
        publish(s, AAC);            // t=200: due at t=600, not at the first timer's t=400
        elapse(300);
        assertEquals(List.of("audio", "video", "flush", "audio"), events, "still waiting at t=500");
        elapse(98);
        assertEquals(List.of("audio", "video", "flush", "audio"), events, "still waiting at t=598");
        elapse(2);
        assertEquals(List.of("audio", "video", "flush", "audio", "flush"), events, "flushed at its own deadline");
    }

    @Test
    void withoutBatchingEveryMessageIsFlushedAtOnce() {
        LiveStream s = stream(Duration.ZERO, Duration.ZERO);
        publish(s, AAC);
        assertEquals(List.of("audio", "flush"), events);
    }

    @Test
    void mergedWritesHoldVideoForTheWindow() {
        LiveStream s = stream(Duration.ZERO, Duration.ofMillis(300));
        publish(s, AVC_INTER);
        elapse(50);
        publish(s, AAC);
        elapse(200);
        assertEquals(List.of("video", "audio"), events, "held within the window");
        elapse(50);
        assertEquals(List.of("video", "audio", "flush"), events, "one flush for the window, at its end");
    }
}
