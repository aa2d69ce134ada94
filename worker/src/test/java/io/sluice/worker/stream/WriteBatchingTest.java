package io.sluice.worker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.media.MediaTagReader;
import io.sluice.worker.rtmp.session.RtmpFrameEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the fan-out flushes players: audio-only batches (players.audio_batch) and merged writes. */
@Timeout(20)
class WriteBatchingTest {

    private final EventExecutor loop = new DefaultEventExecutor();
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Recorder implements Subscriber {
        final CountDownLatch joined = new CountDownLatch(1);

        @Override
        public EventExecutor executor() {
            return loop;
        }

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public void onJoin(List<MediaFrame> snapshot, boolean live) {
            joined.countDown();
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

    private LiveStream stream(Duration audioBatch, Duration merge) throws InterruptedException {
        StreamRegistry registry = new StreamRegistry(new RtmpFrameEncoder(ByteBufAllocator.DEFAULT, () -> 60000),
                new GopSettings(true, 100, 1 << 20));
        registry.audioBatch(audioBatch);
        registry.mergeWrites(merge);
        LiveStream s = registry.acquire(new StreamKey("live", "batch"));
        assertTrue(s.attach(PUBLISHER));
        Recorder r = new Recorder();
        s.subscribe(r);
        assertTrue(r.joined.await(5, TimeUnit.SECONDS));
        Thread.sleep(100);
        events.clear();
        return s;
    }

    private static void publish(LiveStream s, byte[] body) {
        ByteBuf payload = Unpooled.wrappedBuffer(body);
        int type = (body[0] & 0xF0) == 0xA0 ? 8 : 9;
        s.publishMedia(PUBLISHER, MediaTagReader.inspect(type, payload), 0, payload);
    }

    private static final byte[] AAC = {(byte) 0xAF, 1, 0x21, 0x10};
    private static final byte[] AVC_INTER = {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41};

    @Test
    void anAudioOnlyBatchWaitsForTheNextVideoFrame() throws Exception {
        LiveStream s = stream(Duration.ofMillis(500), Duration.ZERO);
        publish(s, AAC);
        Thread.sleep(100);
        assertEquals(List.of("audio"), events, "audio written, not flushed yet");
        publish(s, AVC_INTER);
        Thread.sleep(100);
        assertEquals(List.of("audio", "video", "flush"), events, "the video frame flushes both at once");
    }

    @Test
    void anAudioOnlyBatchIsFlushedAfterAudioBatchWithoutVideo() throws Exception {
        LiveStream s = stream(Duration.ofMillis(50), Duration.ZERO);
        publish(s, AAC);
        Thread.sleep(300);
        assertEquals(List.of("audio", "flush"), events);
    }

    @Test
    void aTimerSetForAnEarlierBatchDoesNotCutALaterOneShort() throws Exception {
        LiveStream s = stream(Duration.ofMillis(400), Duration.ZERO);
        publish(s, AAC);            // t=0: a timer for t=400
        Thread.sleep(100);
        publish(s, AVC_INTER);      // t=100: flushed with the video
        Thread.sleep(100);
        publish(s, AAC);            // t=200: due at t=600, not at the first timer's t=400
        Thread.sleep(300);
        assertEquals(List.of("audio", "video", "flush", "audio"), events, "still waiting at t=500");
        Thread.sleep(350);
        assertEquals(List.of("audio", "video", "flush", "audio", "flush"), events, "flushed at its own deadline");
    }

    @Test
    void withoutBatchingEveryMessageIsFlushedAtOnce() throws Exception {
        LiveStream s = stream(Duration.ZERO, Duration.ZERO);
        publish(s, AAC);
        Thread.sleep(100);
        assertEquals(List.of("audio", "flush"), events);
    }

    @Test
    void mergedWritesHoldVideoForTheWindow() throws Exception {
        LiveStream s = stream(Duration.ZERO, Duration.ofMillis(300));
        publish(s, AVC_INTER);
        Thread.sleep(50);
        publish(s, AAC);
        Thread.sleep(50);
        assertEquals(List.of("video", "audio"), events, "held within the window");
        Thread.sleep(400);
        assertEquals(List.of("video", "audio", "flush"), events, "one flush for the window");
    }
}
