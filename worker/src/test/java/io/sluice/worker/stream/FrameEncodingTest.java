package io.sluice.worker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frame's encodings ({@link MediaFrame#encoded}): made once per encoding however many
 * subscribers on however many loops ask, the same bytes for all, several encodings side by side,
 * and all released with the frame (paranoid leak detection fails the test otherwise).
 */
@Timeout(20)
class FrameEncodingTest {

    private final EventLoopGroup loops = new DefaultEventLoopGroup(2);

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** "tag" + the payload's bytes, counting its runs; equal when the tags are. */
    private record Tagged(String tag, AtomicInteger runs) implements FrameEncoding {
        @Override
        public ByteBuf encode(MediaFrame frame) {
            runs.incrementAndGet();
            ByteBuf out = Unpooled.directBuffer();
            out.writeCharSequence(tag, StandardCharsets.US_ASCII);
            out.writeBytes(frame.payload(), frame.payload().readerIndex(), frame.payload().readableBytes());
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tagged t && t.tag.equals(tag);
        }

        @Override
        public int hashCode() {
            return tag.hashCode();
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

    private static ByteBuf keyframe() {
        return Unpooled.wrappedBuffer(new byte[] {0x17, 1, 0, 0, 0, 0x65});
    }

    /** Asks every frame it receives for the subscriber's own (equal, not identical) encoding. */
    private static final class Asker implements Subscriber {
        final EventExecutor executor;
        final FrameEncoding encoding;
        final CountDownLatch got = new CountDownLatch(1);
        volatile ByteBuf bytes;
        volatile byte[] content;

        Asker(EventExecutor executor, FrameEncoding encoding) {
            this.executor = executor;
            this.encoding = encoding;
        }

        @Override
        public EventExecutor executor() {
            return executor;
        }

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public void onJoin(List<MediaFrame> snapshot, boolean live) {
        }

        @Override
        public void onFrame(MediaFrame frame) {
            bytes = frame.encoded(encoding);
            content = ByteBufUtil.getBytes(bytes);
            got.countDown();
        }

        @Override
        public void onPublishStart() {
        }

        @Override
        public void onPublishStop() {
        }

        @Override
        public void flush() {
        }
    }

    @Test
    void twoSubscribersOnTwoLoopsGetTheSameBytesAndTheEncoderRanOnce() throws Exception {
        StreamRegistry registry = new StreamRegistry(new GopSettings(true, 100, 1 << 20));
        LiveStream stream = registry.acquire(new StreamKey("live", "enc"));
        stream.attach(PUBLISHER);
        AtomicInteger runs = new AtomicInteger();
        EventExecutor first = loops.next();
        EventExecutor second = loops.next();
        assertNotSame(first, second);
        Asker a = new Asker(first, new Tagged("flv:", runs));
        Asker b = new Asker(second, new Tagged("flv:", runs));
        first.submit(() -> stream.subscribe(a)).sync();
        second.submit(() -> stream.subscribe(b)).sync();

        ByteBuf payload = keyframe();
        stream.publishMedia(PUBLISHER, MediaFrame.Kind.VIDEO, 40, payload);

        assertTrue(a.got.await(5, TimeUnit.SECONDS) && b.got.await(5, TimeUnit.SECONDS));
        assertEquals(1, runs.get(), "one encoding for the worker");
        assertSame(a.bytes, b.bytes, "one buffer, shared");
        assertArrayEquals(a.content, b.content);
        assertEquals("flv:", new String(a.content, 0, 4, StandardCharsets.US_ASCII));
        first.submit(() -> stream.unsubscribe(a)).sync();
        second.submit(() -> stream.unsubscribe(b)).sync();
        stream.detach(PUBLISHER);
        registry.release(stream); // frees the GOP cache's frame and its encoding
    }

    @Test
    void aSecondAskerWaitsForTheFirstEncodingInsteadOfMakingItAgain() throws Exception {
        MediaFrame frame = new MediaFrame(MediaFrame.Kind.VIDEO, 0, null, false, keyframe());
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inEncode = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FrameEncoding slow = new Tagged("slow", runs);
        FrameEncoding blocking = new FrameEncoding() {
            @Override
            public ByteBuf encode(MediaFrame f) {
                inEncode.countDown();
                try {
                    assertTrue(release.await(5, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return slow.encode(f);
            }

            @Override
            public boolean equals(Object o) {
                return o == this || slow.equals(o);
            }

            @Override
            public int hashCode() {
                return slow.hashCode();
            }
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<ByteBuf> firstAsk = threads.submit(() -> frame.encoded(blocking));
            assertTrue(inEncode.await(5, TimeUnit.SECONDS));
            Thread[] second = new Thread[1];
            Future<ByteBuf> secondAsk = threads.submit(() -> {
                second[0] = Thread.currentThread();
                return frame.encoded(new Tagged("slow", runs));
            });
            // Bounded wait until the second asker is blocked on the frame, then let the first finish.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((second[0] == null || second[0].getState() != Thread.State.BLOCKED) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(Thread.State.BLOCKED, second[0].getState());
            release.countDown();
            assertSame(firstAsk.get(5, TimeUnit.SECONDS), secondAsk.get(5, TimeUnit.SECONDS));
            assertEquals(1, runs.get(), "the encoder ran once");
        } finally {
            threads.shutdownNow();
            frame.release();
        }
    }

    @Test
    void differentEncodingsLiveSideBySideAndGoWithTheFrame() {
        MediaFrame frame = new MediaFrame(MediaFrame.Kind.VIDEO, 0, null, false, keyframe());
        Map<String, ByteBuf> made = new ConcurrentHashMap<>();
        AtomicInteger runs = new AtomicInteger();
        for (String tag : new String[] {"a:", "b:", "a:", "b:", "c:"}) {
            ByteBuf bytes = frame.encoded(new Tagged(tag, runs));
            ByteBuf earlier = made.putIfAbsent(tag, bytes);
            if (earlier != null) {
                assertSame(earlier, bytes);
            }
        }
        assertEquals(3, runs.get());
        assertEquals("b:", made.get("b:").toString(0, 2, StandardCharsets.US_ASCII));
        frame.release();
        for (ByteBuf b : made.values()) {
            assertEquals(0, b.refCnt(), "released with the frame");
        }
        assertEquals(0, frame.payload().refCnt());
    }
}
