package io.sluice.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlvSkimmerTest {

    /** Header, metadata, AVC sequence header, key frame, AAC frame, a 1-byte tag, an extended timestamp. */
    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0});
        tag(out, 18, 0, new byte[] {2, 0, 10, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a'});
        tag(out, 9, 0, new byte[] {0x17, 0, 0, 0, 0, 1, 2, 3});
        byte[] key = new byte[5000];
        key[0] = 0x17;
        key[1] = 1;
        tag(out, 9, 33, key);
        tag(out, 8, 23, new byte[] {(byte) 0xaf, 1, 9, 9, 9});
        tag(out, 8, 46, new byte[] {(byte) 0xaf});
        tag(out, 9, 0x1234_5678L, new byte[] {0x27, 1, 7});
        return out.toByteArray();
    }

    private static void tag(ByteArrayOutputStream out, int type, long ts, byte[] payload) {
        int n = payload.length;
        out.writeBytes(new byte[] {(byte) type, (byte) (n >> 16), (byte) (n >> 8), (byte) n,
                (byte) (ts >> 16), (byte) (ts >> 8), (byte) ts, (byte) (ts >> 24), 0, 0, 0});
        out.writeBytes(payload);
        int size = n + 11;
        out.writeBytes(new byte[] {(byte) (size >> 24), (byte) (size >> 16), (byte) (size >> 8), (byte) size});
    }

    private static final List<MediaSummary> EXPECTED = List.of(
            new MediaSummary(0, 0, 18, 0, 13, 0x0200),
            new MediaSummary(0, 0, 9, 0, 8, 0x1700),
            new MediaSummary(0, 33, 9, 0, 5000, 0x1701),
            new MediaSummary(0, 23, 8, 0, 5, 0xaf01),
            new MediaSummary(0, 46, 8, 0, 1, -1),
            new MediaSummary(0, 0x1234_5678L, 9, 0, 3, 0x2701));

    @Test
    void wholeStreamInOnePiece() {
        List<MediaSummary> got = new ArrayList<>();
        FlvSkimmer skimmer = new FlvSkimmer(got::add);
        ByteBuf in = Unpooled.wrappedBuffer(stream());
        skimmer.feed(in);
        assertEquals(0, in.readableBytes());
        assertNull(skimmer.failure());
        assertEquals(EXPECTED, got);
    }

    @Test
    void sameTagsWhereverTheStreamIsSplitInTwoOrThree() {
        byte[] all = stream();
        for (int cut = 0; cut <= all.length; cut++) {
            List<MediaSummary> got = new ArrayList<>();
            FlvSkimmer skimmer = new FlvSkimmer(got::add);
            // Three pieces: [0, cut), [cut, cut + 7), the rest, so a cut falls into every field twice.
            int second = Math.min(all.length, cut + 7);
            skimmer.feed(Unpooled.wrappedBuffer(all, 0, cut));
            skimmer.feed(Unpooled.wrappedBuffer(all, cut, second - cut));
            skimmer.feed(Unpooled.wrappedBuffer(all, second, all.length - second));
            assertEquals(EXPECTED, got, "split at " + cut);
        }
    }

    @Test
    void oneByteAtATime() {
        byte[] all = stream();
        List<MediaSummary> got = new ArrayList<>();
        FlvSkimmer skimmer = new FlvSkimmer(got::add);
        for (byte b : all) {
            skimmer.feed(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertEquals(EXPECTED, got);
    }

    @Test
    void aStreamThatIsNotFlvFailsAndReportsNothing() {
        List<MediaSummary> got = new ArrayList<>();
        FlvSkimmer skimmer = new FlvSkimmer(got::add);
        ByteBuf in = Unpooled.wrappedBuffer("<html>not found</html>".getBytes());
        skimmer.feed(in);
        assertNotNull(skimmer.failure());
        assertEquals(0, in.readableBytes());
        assertTrue(got.isEmpty());
    }

    @Test
    void anOversizedTagLengthFails() {
        List<MediaSummary> got = new ArrayList<>();
        FlvSkimmer skimmer = new FlvSkimmer(got::add);
        skimmer.feed(Unpooled.wrappedBuffer(new byte[] {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0,
                9, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0}));
        assertTrue(skimmer.failure().contains("16777215"), skimmer.failure());
        assertTrue(got.isEmpty());
    }
}
