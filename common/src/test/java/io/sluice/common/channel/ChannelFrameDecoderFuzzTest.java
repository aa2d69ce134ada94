package io.sluice.common.channel;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.common.testing.AllocationBudget;
import io.sluice.common.testing.ByteSplits;
import io.sluice.common.testing.TrackingAllocator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of the channel's inbound side: {@link ChannelFrameDecoder} and the
 * envelope parsing it calls ({@link Envelope#fromJson}). The first input byte chooses how the
 * rest arrives ({@link ByteSplits}); the rest is the byte stream from the peer. The corpus holds
 * frames of every envelope shape and malformed ones.
 *
 * <p>Whatever the bytes: out come envelopes and {@link MalformedFrame}s only, the same ones
 * however the bytes are split; a malformed frame's problem is short (it never echoes the
 * payload); an envelope written back by {@link ChannelFrameEncoder} reads as the same envelope;
 * the channel is closed only when the framing is lost; nothing leaks; buffers follow the
 * bytes received, not the announced frame lengths.
 */
class ChannelFrameDecoderFuzzTest {

    private static final AllocationBudget BUDGET = AllocationBudget.forFuzzing();
    /** A problem line is for the log: Jackson's message is cut at 200 characters, plus our words. */
    private static final int MAX_PROBLEM_LENGTH = 400;

    private record Outcome(List<Object> decoded, boolean open) {
    }

    @FuzzTest
    void decode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] wire = Arrays.copyOfRange(input, 1, input.length);
        BUDGET.run(input.length, () -> {
            Outcome whole = decode(0, wire);
            Outcome split = decode(input[0], wire);
            assertEquals(whole, split, "split " + (input[0] & 0xff) + " changed the outcome");
            for (Object o : whole.decoded()) {
                if (o instanceof Envelope envelope) {
                    assertEquals(envelope, roundTrip(envelope), "written back and read again");
                } else {
                    MalformedFrame malformed = assertInstanceOf(MalformedFrame.class, o);
                    assertFalse(malformed.problem().isEmpty());
                    assertTrue(malformed.problem().length() <= MAX_PROBLEM_LENGTH, malformed.problem());
                }
            }
        });
    }

    private static Outcome decode(int split, byte[] wire) {
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new ChannelFrameDecoder());
        List<Object> decoded = new ArrayList<>();
        long[] fed = {0};
        try {
            ByteSplits.feed(split, wire, piece -> {
                if (ch.isOpen()) {
                    ch.writeInbound(alloc.heapBuffer(piece.length).writeBytes(piece));
                    Object o;
                    while ((o = ch.readInbound()) != null) {
                        decoded.add(o);
                    }
                }
                fed[0] += piece.length;
                // Only the bytes of an unfinished frame are kept: never its announced length.
                alloc.assertCapacityAtMost(2 * fed[0] + 1024, "while decoding");
            });
            ch.checkException();
            return new Outcome(decoded, ch.isOpen());
        } finally {
            ch.finishAndReleaseAll();
            alloc.assertAllReleased("after decoding " + wire.length + " bytes");
        }
    }

    private static Object roundTrip(Envelope envelope) {
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel encoder = new EmbeddedChannel();
        encoder.config().setAllocator(alloc);
        encoder.pipeline().addLast(new ChannelFrameEncoder());
        EmbeddedChannel decoder = new EmbeddedChannel();
        decoder.config().setAllocator(alloc);
        decoder.pipeline().addLast(new ChannelFrameDecoder());
        try {
            assertTrue(encoder.writeOutbound(envelope));
            ByteBuf frame = encoder.readOutbound();
            assertNotNull(frame);
            decoder.writeInbound(frame);
            Object again = decoder.readInbound();
            if (again == null) {
                fail("an envelope written back did not make a whole frame");
            }
            return again;
        } finally {
            encoder.finishAndReleaseAll();
            decoder.finishAndReleaseAll();
            alloc.assertAllReleased("after writing an envelope back");
        }
    }
}
