package io.sluice.worker.hls;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link BlockingReload}: parked requests answered by a renamed file, bounded, refused when too far. */
@Timeout(20)
class BlockingReloadTest {

    private static final String HEAD = "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n"
            + "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.000,PART-HOLD-BACK=0.600\n#EXT-X-PART-INF:PART-TARGET=0.200\n"
            + "#EXT-X-MEDIA-SEQUENCE:5\n";

    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Segment 5 complete, two parts of segment 6, hint for its third. */
    private static String playlist(int partsOf6) {
        StringBuilder s = new StringBuilder(HEAD + "#EXTINF:1.000,\nab-5.m4s\n");
        for (int i = 0; i < partsOf6; i++) {
            s.append("#EXT-X-PART:DURATION=0.200,URI=\"ab-6-p").append(i).append(".m4s\"\n");
        }
        return s.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"ab-6-p").append(partsOf6).append(".m4s\"\n").toString();
    }

    private static void publish(Path dir, String name, String text) throws Exception {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void positionReadsTheLiveEdgeAndTheRfcLimits() {
        BlockingReload.Position p = BlockingReload.Position.parse(playlist(2));
        assertEquals(5, p.lastComplete());
        assertEquals(2, p.parts());
        assertEquals("ab-6-p2.m4s", p.preloadHint());
        assertTrue(p.blocking());
        assertTrue(p.has(5, -1));
        assertTrue(p.has(6, 1));
        assertFalse(p.has(6, 2));
        assertFalse(p.has(6, -1));
        assertFalse(p.tooFar(7, 0));
        assertTrue(p.tooFar(8, 0), "more than two segments beyond the last one");
        assertFalse(p.tooFar(6, 16)); // 2 parts + 15 (3 s / 0.2 s)
        assertTrue(p.tooFar(6, 17));
    }

    /** Segment 5 with three parts, complete; then {@code partsOf6} parts of segment 6. */
    private static String closedSegment(int partsOf6) {
        StringBuilder s = new StringBuilder(HEAD);
        for (int i = 0; i < 3; i++) {
            s.append("#EXT-X-PART:DURATION=0.200,URI=\"ab-5-p").append(i).append(".m4s\"\n");
        }
        s.append("#EXTINF:0.600,\nab-5.m4s\n");
        for (int i = 0; i < partsOf6; i++) {
            s.append("#EXT-X-PART:DURATION=0.200,URI=\"ab-6-p").append(i).append(".m4s\"\n");
        }
        return s.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"ab-6-p").append(partsOf6).append(".m4s\"\n").toString();
    }

    /**
     * RFC 8216bis 6.2.5.2: a Part Index past the last part of its (now complete) Parent Segment
     * is a request for part 0 of the next segment, not for the playlist that closed the segment.
     * A client that asks {@code _HLS_msn=5&_HLS_part=3} (segment 5 ended after parts 0-2) must
     * wait for part 0 of segment 6; answered at once it gets nothing new and asks again.
     */
    @Test
    void aPartPastTheLastPartOfAClosedSegmentWaitsForTheNextSegmentsFirstPart() {
        BlockingReload.Position closed = BlockingReload.Position.parse(closedSegment(0));
        assertEquals(5, closed.lastComplete());
        assertEquals(3, closed.lastCompleteParts());
        assertTrue(closed.has(5, 2), "the last part of segment 5 is there");
        assertFalse(closed.has(5, 3), "part 3 of segment 5 is part 0 of segment 6");
        assertFalse(closed.has(5, 11));
        assertFalse(closed.has(6, 0));
        assertTrue(closed.has(4, 11), "segment 5 is complete, so part 0 of it is there");
        BlockingReload.Position next = BlockingReload.Position.parse(closedSegment(1));
        assertTrue(next.has(5, 3));
        assertTrue(next.has(5, 11));
        assertTrue(next.has(6, 0));
        assertFalse(next.has(6, 1));
        // Without the parts of the segment listed (older than three target durations) nothing
        // tells where it ended: answered, as before.
        assertTrue(BlockingReload.Position.parse(playlist(0)).has(5, 7));
    }

    @Test
    void aParkedReloadIsAnsweredWhenThePlaylistIsRenamedIn(@TempDir Path dir) throws Exception {
        publish(dir, HlsLayout.MEDIA_PLAYLIST, playlist(2));
        try (BlockingReload b = new BlockingReload(10)) {
            CompletableFuture<BlockingReload.Outcome> now = new CompletableFuture<>();
            b.await(dir.resolve(HlsLayout.MEDIA_PLAYLIST), 6, 1, loop.next(), now::complete);
            assertEquals(BlockingReload.Outcome.READY, now.get(5, TimeUnit.SECONDS));
            CompletableFuture<BlockingReload.Outcome> later = new CompletableFuture<>();
            b.await(dir.resolve(HlsLayout.MEDIA_PLAYLIST), 6, 2, loop.next(), later::complete);
            assertFalse(later.isDone());
            assertEquals(1, b.parked());
            publish(dir, HlsLayout.MEDIA_PLAYLIST, playlist(3));
            assertEquals(BlockingReload.Outcome.READY, later.get(5, TimeUnit.SECONDS));
            assertEquals(0, b.parked());
            CompletableFuture<BlockingReload.Outcome> far = new CompletableFuture<>();
            b.await(dir.resolve(HlsLayout.MEDIA_PLAYLIST), 9, 0, loop.next(), far::complete);
            assertEquals(BlockingReload.Outcome.TOO_FAR, far.get(5, TimeUnit.SECONDS));
            CompletableFuture<BlockingReload.Outcome> gone = new CompletableFuture<>();
            b.await(dir.resolve("nope").resolve(HlsLayout.MEDIA_PLAYLIST), 1, 0, loop.next(), gone::complete);
            assertEquals(BlockingReload.Outcome.GONE, gone.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void theHintedPartIsAnsweredWhenItAppearsAndOthersAreGone(@TempDir Path dir) throws Exception {
        publish(dir, HlsLayout.MEDIA_PLAYLIST, playlist(2));
        try (BlockingReload b = new BlockingReload(10)) {
            CompletableFuture<BlockingReload.Outcome> hinted = new CompletableFuture<>();
            b.awaitFile(dir.resolve("ab-6-p2.m4s"), loop.next(), hinted::complete);
            CompletableFuture<BlockingReload.Outcome> other = new CompletableFuture<>();
            b.awaitFile(dir.resolve("ab-6-p7.m4s"), loop.next(), other::complete);
            assertEquals(BlockingReload.Outcome.GONE, other.get(5, TimeUnit.SECONDS));
            assertFalse(hinted.isDone());
            publish(dir, "ab-6-p2.m4s", "moof");
            assertEquals(BlockingReload.Outcome.READY, hinted.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void parkedRequestsAreCappedAndTimeOutAndACancelFreesAPlace(@TempDir Path dir) throws Exception {
        publish(dir, HlsLayout.MEDIA_PLAYLIST, playlist(2)); // target 1 s: a wait is 3 s at most
        try (BlockingReload b = new BlockingReload(2)) {
            CompletableFuture<BlockingReload.Outcome> first = new CompletableFuture<>();
            CompletableFuture<BlockingReload.Outcome> second = new CompletableFuture<>();
            CompletableFuture<BlockingReload.Outcome> third = new CompletableFuture<>();
            BlockingReload.Cancel c = b.await(dir.resolve(HlsLayout.MEDIA_PLAYLIST), 7, 0, loop.next(), first::complete);
            b.await(dir.resolve(HlsLayout.MEDIA_PLAYLIST), 7, 0, loop.next(), second::complete);
            b.await(dir.resolve(HlsLayout.MEDIA_PLAYLIST), 7, 0, loop.next(), third::complete);
            assertEquals(BlockingReload.Outcome.BUSY, third.get(5, TimeUnit.SECONDS));
            assertEquals(2, b.parked());
            c.cancel();
            assertEquals(1, b.parked());
            assertEquals(BlockingReload.Outcome.TIMEOUT, second.get(10, TimeUnit.SECONDS));
            assertEquals(0, b.parked());
            assertFalse(first.isDone(), "a cancelled request is never answered");
        }
    }
}
