package io.sluice.worker.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shared fixtures for the chunk codec tests: varied messages, encoding them, comparing. */
final class RoundTrip {

    private static final int[] CSIDS = {2, 3, 4, 63, 64, 200, 319, 320, 1000, 65599};

    private RoundTrip() {
    }

    /**
     * Messages that exercise every header type: repeated lengths and deltas (types 2 and 3),
     * new lengths (type 1), timestamps going back (type 0), extended timestamps, chunk size
     * changes (Set Chunk Size on csid 2) and bodies longer than one chunk.
     */
    static List<RawMessage> sampleMessages(Random random, int count) {
        List<RawMessage> out = new ArrayList<>();
        long[] clock = new long[CSIDS.length];
        for (int i = 0; i < count; i++) {
            if (i % 17 == 5) {
                ByteBuf body = Unpooled.buffer(4).writeInt(64 + random.nextInt(4000));
                out.add(new RawMessage(2, 0, 1, 0, body));
                continue;
            }
            int k = random.nextInt(CSIDS.length);
            int csid = CSIDS[k];
            switch (random.nextInt(5)) {
                case 0 -> clock[k] = random.nextInt(1000);               // back in time → type 0
                case 1 -> clock[k] += 0x00FF_FFFFL + random.nextInt(9);  // extended timestamps
                default -> clock[k] += 33;                               // steady delta → type 2/3
            }
            int length = random.nextBoolean() ? 40 : random.nextInt(900);
            byte[] body = new byte[length];
            random.nextBytes(body);
            int type = random.nextBoolean() ? 9 : 8;
            out.add(new RawMessage(csid, clock[k], type, 1, Unpooled.wrappedBuffer(body)));
        }
        return out;
    }

    /** Encodes the messages with a {@link ChunkEncoder} that starts from the given chunk size. */
    static byte[] encode(List<RawMessage> messages, int initialChunkSize) {
        EmbeddedChannel enc = new EmbeddedChannel(new ChunkEncoder());
        ByteBuf all = Unpooled.buffer();
        List<RawMessage> toSend = new ArrayList<>();
        toSend.add(new RawMessage(2, 0, 1, 0, Unpooled.buffer(4).writeInt(initialChunkSize)));
        messages.forEach(m -> toSend.add(m.retain()));
        for (RawMessage m : toSend) {
            enc.writeOutbound(m);
            ByteBuf b;
            while ((b = enc.readOutbound()) != null) {
                all.writeBytes(b);
                b.release();
            }
        }
        enc.finish();
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    /** Reads every decoded message, dropping the Set Chunk Size prologue {@link #encode} adds. */
    static List<RawMessage> drain(EmbeddedChannel ch) {
        List<RawMessage> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add((RawMessage) o);
        }
        RawMessage prologue = out.remove(0);
        assertEquals(1, prologue.typeId(), "prologue is Set Chunk Size");
        prologue.release();
        return out;
    }

    /** Compares and releases {@code actual}. */
    static void assertSameMessages(List<RawMessage> expected, List<RawMessage> actual) {
        try {
            assertEquals(expected.size(), actual.size(), "message count");
            for (int i = 0; i < expected.size(); i++) {
                RawMessage e = expected.get(i);
                RawMessage a = actual.get(i);
                String at = "message " + i;
                assertEquals(e.chunkStreamId(), a.chunkStreamId(), at);
                assertEquals(e.timestamp(), a.timestamp(), at);
                assertEquals(e.typeId(), a.typeId(), at);
                assertEquals(e.streamId(), a.streamId(), at);
                assertArrayEquals(ByteBufUtil.getBytes(e.payload()), ByteBufUtil.getBytes(a.payload()), at);
            }
        } finally {
            actual.forEach(RawMessage::release);
        }
    }
}
