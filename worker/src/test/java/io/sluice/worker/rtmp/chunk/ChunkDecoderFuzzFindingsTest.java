package io.sluice.worker.rtmp.chunk;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.common.testing.TrackingAllocator;
import io.sluice.worker.rtmp.session.SessionSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link ChunkDecoderFuzzTest} found, as plain regression tests. Each input is also in
 * ChunkDecoderFuzzTestInputs/decode under the test's name (with the split byte in front).
 */
class ChunkDecoderFuzzFindingsTest {

    private static byte[] hex(String s) {
        return ByteBufUtil.decodeHexDump(s.replaceAll("[\\s|]", ""));
    }

    /**
     * 29 bytes made the decoder allocate 14 MB: a Set Chunk Size of 16 MiB lifted the only cap on
     * a new message's initial buffer, so the announced length was allocated before any payload.
     * With 64 chunk streams that is 64 x the message limit per connection for a kilobyte of input.
     */
    @Test
    void hugeChunkSizeAndAnnouncedLengthAllocateOnlyWhatArrives() {
        SessionSettings limits = SessionSettings.defaults();
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new ChunkDecoder(limits.maxMessageSize(), limits.maxChunkStreams()));
        // fmt 0, csid 2: Set Chunk Size, 4 bytes, stream 0xd5d50000 | 0x01d5d5d5 (capped at 16 MiB)
        // | fmt 0, csid 277 (2-byte form): ts 0xd5d5d5, length 0xd5d5d5 = 14 013 909, type 0xd5 | 1 byte
        ch.writeInbound(alloc.heapBuffer().writeBytes(hex(
                "02 000000 000004 01 0000d5d5 | 01d5d5d5"
                        + "00 d5 d5d5d5 d5d5d5 d5 d5d505 00 | 00")));
        Object setChunkSize = ch.readInbound();
        assertTrue(setChunkSize instanceof RawMessage m && m.release());
        assertNull(ch.readInbound(), "the 14 MB message is incomplete");
        long held = alloc.capacityInUse();
        assertTrue(held <= ChunkDecoder.MAX_INITIAL_PAYLOAD_CAPACITY, "holds " + held + " bytes for 1 payload byte");
        assertFalse(ch.finish());
        alloc.assertAllReleased("after the connection closed");
    }
}
