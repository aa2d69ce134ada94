package io.sluice.worker.rtmp.chunk;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.sluice.common.testing.AllocationBudget;
import io.sluice.common.testing.ByteSplits;
import io.sluice.common.testing.TrackingAllocator;
import io.sluice.worker.rtmp.RtmpProtocolException;
import io.sluice.worker.rtmp.session.SessionSettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link ChunkDecoder} with the limits a worker uses by default
 * (rtmp.max_message_size, rtmp.max_chunk_streams). The first input byte chooses how the rest
 * arrives ({@link ByteSplits}); the rest is the chunk stream after the handshake.
 *
 * <p>Whatever the bytes: the decoder emits {@link RawMessage}s or fails with an
 * {@link RtmpProtocolException} (wrapped by Netty in a {@link DecoderException}), nothing else;
 * the messages and the error are the same whether the bytes arrive at once or in the chosen
 * pieces (state is committed only after validation, so a call that runs again is harmless);
 * every buffer is released once the messages are and the channel is closed; and buffers grow
 * with the bytes received, not with the lengths the headers announce.
 */
class ChunkDecoderFuzzTest {

    private static final SessionSettings LIMITS = SessionSettings.defaults();
    private static final AllocationBudget BUDGET = AllocationBudget.forFuzzing();
    /** What a message buffer may start with on each chunk stream, before its bytes arrive. */
    private static final long BUFFERS_AHEAD = (long) LIMITS.maxChunkStreams() * ChunkDecoder.MAX_INITIAL_PAYLOAD_CAPACITY;

    /** What the decoder made of one input: messages as (header, payload bytes) and the error, if any. */
    private record Outcome(List<String> messages, String error) {
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
        });
    }

    private static Outcome decode(int split, byte[] wire) {
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new ChunkDecoder(LIMITS.maxMessageSize(), LIMITS.maxChunkStreams()));
        List<String> messages = new ArrayList<>();
        String[] error = {null};
        long[] fed = {0};
        try {
            ByteSplits.feed(split, wire, piece -> {
                if (error[0] != null) {
                    return; // the session closes the connection at the first protocol error
                }
                ByteBuf buf = alloc.heapBuffer(piece.length).writeBytes(piece);
                try {
                    ch.writeInbound(buf);
                } catch (DecoderException e) {
                    RtmpProtocolException cause = assertInstanceOf(RtmpProtocolException.class, e.getCause(),
                            "decoder failed with something other than a protocol error");
                    error[0] = Objects.requireNonNull(cause.getMessage());
                } finally {
                    drain(ch, messages);
                }
                fed[0] += piece.length;
                // Messages in progress grow with the bytes that arrived (at most twice, as buffers
                // double), beyond a small start per chunk stream; never with announced lengths.
                alloc.assertCapacityAtMost(BUFFERS_AHEAD + 2 * fed[0], "while decoding");
            });
            ch.close();
            drain(ch, messages);
        } finally {
            ch.finishAndReleaseAll();
            alloc.assertAllReleased("after decoding " + wire.length + " bytes");
        }
        return new Outcome(messages, error[0]);
    }

    private static void drain(EmbeddedChannel ch, List<String> messages) {
        Object m;
        while ((m = ch.readInbound()) != null) {
            try {
                RawMessage raw = assertInstanceOf(RawMessage.class, m);
                assertTrue(raw.timestamp() >= 0 && raw.timestamp() <= 0xFFFF_FFFFL, raw.toString());
                messages.add(raw + " " + ByteBufUtil.hexDump(raw.payload()));
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
    }
}
