package io.sluice.common.channel;

import com.fasterxml.jackson.core.StreamReadConstraints;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.common.channel.ChannelTestSupport.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jackson builds the channel's JSON trees without recursing on the input's depth, and refuses
 * documents nested deeper than {@link StreamReadConstraints#getMaxNestingDepth()} (1000 by
 * default): a frame nested 100 000 deep is one dropped frame, not a StackOverflowError, and
 * the channel carries on. Deep but allowed data is passed on; nothing on the channel's path
 * walks it recursively except writing it back, which a 512 KiB stack (worker threads) survives.
 */
class ChannelJsonNestingTest {

    private static String nested(int depth) {
        return "{\"id\":4,\"method\":\"worker.dump\",\"data\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    }

    @Test
    @Timeout(10)
    void frameNestedDeeperThanJacksonsLimitIsDroppedAndTheChannelCarriesOn() {
        int limit = StreamReadConstraints.defaults().getMaxNestingDepth();
        assertEquals(1000, limit);
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelFrameDecoder());
        ch.writeInbound(frame(nested(100_000)));
        ch.writeInbound(frame(nested(limit - 1)));   // the envelope object is one level
        ch.writeInbound(frame("{\"event\":\"worker.running\"}"));

        MalformedFrame dropped = assertInstanceOf(MalformedFrame.class, ch.readInbound());
        assertTrue(dropped.problem().contains("nesting depth (1001) exceeds the maximum allowed (1000"),
                dropped.problem());
        assertTrue(dropped.problem().length() < 400, "the payload is not echoed: " + dropped.problem().length());
        Request deep = assertInstanceOf(Request.class, ch.readInbound());
        assertEquals(new Notification("worker.running", null, null), ch.readInbound());
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());

        // Written back on a thread with a worker's stack size (-Xss512k).
        String[] written = new String[1];
        Thread writer = new Thread(null, () -> written[0] = ChannelJson.write(deep.toJson()), "xss512k", 512 * 1024);
        writer.start();
        assertTrue(assertTimeoutJoin(writer));
        assertEquals(nested(limit - 1), written[0]);
    }

    private static boolean assertTimeoutJoin(Thread thread) {
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !thread.isAlive();
    }
}
