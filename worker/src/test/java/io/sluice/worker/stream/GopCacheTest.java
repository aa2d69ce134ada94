package io.sluice.worker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GOP cache's bounds: gop_cache.max_frames and max_bytes, and a reload that lowers them. */
class GopCacheTest {

    private static final Publisher PUBLISHER = new Publisher() {
        @Override
        public String origin() {
            return "test";
        }

        @Override
        public void close(String reason) {
        }
    };

    private StreamRegistry registry;
    private LiveStream stream;

    private void start(int maxFrames, long maxBytes) {
        registry = new StreamRegistry(new GopSettings(true, maxFrames, maxBytes));
        stream = registry.acquire(new StreamKey("live", "gop"));
        assertTrue(stream.attach(PUBLISHER));
    }

    @AfterEach
    void stop() {
        stream.detach(PUBLISHER);
        registry.release(stream);
    }

    /** A video message of {@code size} bytes: an AVC key frame or inter frame. */
    private void video(boolean key, int size) {
        ByteBuf b = Unpooled.buffer(size).writeByte(key ? 0x17 : 0x27).writeByte(1).writeMedium(0).writeZero(size - 5);
        stream.publishMedia(PUBLISHER, MediaFrame.Kind.VIDEO, 0, b);
    }

    private void audio() {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {(byte) 0xaf, 1, 0x21, 0x10});
        stream.publishMedia(PUBLISHER, MediaFrame.Kind.AUDIO, 0, b);
    }

    private int frames() {
        return stream.stats().gopFrames();
    }

    private long bytes() {
        return stream.stats().gopBytes();
    }

    @Test
    void framesBeforeTheFirstKeyframeAreNotCached() {
        start(10, 1 << 20);
        video(false, 100);
        audio();
        assertEquals(0, frames());
        video(true, 100);
        audio();
        assertEquals(2, frames());
        assertEquals(104, bytes());
    }

    @Test
    void pastMaxFramesTheCacheIsDroppedUntilTheNextKeyframe() {
        start(4, 1 << 20);
        video(true, 100);
        audio();
        video(false, 100);
        video(false, 100);
        assertEquals(4, frames(), "up to max_frames");
        video(false, 100);
        assertEquals(0, frames(), "one more: dropped, a new player waits for a key frame instead");
        video(false, 100);
        audio();
        assertEquals(0, frames(), "and stays empty");
        video(true, 100);
        assertEquals(1, frames(), "caching resumes at the key frame");
    }

    @Test
    void pastMaxBytesTheCacheIsDroppedUntilTheNextKeyframe() {
        start(100, 1000);
        video(true, 400);
        video(false, 400);
        assertEquals(800, bytes());
        video(false, 200);
        assertEquals(1000, bytes(), "exactly max_bytes fits");
        video(false, 5);
        assertEquals(0, bytes());
        assertEquals(0, frames());
        video(true, 1001);
        assertEquals(0, frames(), "a key frame larger than max_bytes is not cached either");
        video(true, 300);
        assertEquals(300, bytes());
    }

    @Test
    void aReloadWithLowerBoundsDropsACacheOverThem() {
        start(100, 1 << 20);
        video(true, 100);
        video(false, 100);
        video(false, 100);
        registry.updateGopSettings(new GopSettings(true, 10, 1 << 20));
        assertEquals(3, frames(), "within the new bounds: kept");
        registry.updateGopSettings(new GopSettings(true, 2, 1 << 20));
        assertEquals(0, frames());
        video(true, 100);
        registry.updateGopSettings(new GopSettings(false, 2, 1 << 20));
        assertEquals(0, frames(), "switched off");
    }
}
