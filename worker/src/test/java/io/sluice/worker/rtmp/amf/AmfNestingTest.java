package io.sluice.worker.rtmp.amf;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;

import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf0Error;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf3Error;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.bytes;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.readAmf0;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.readAmf3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every AMF container nested 100 000 deep, well-formed, is refused with an {@link AmfException}
 * at {@link Amf#MAX_DEPTH} + 1 levels, not a StackOverflowError: the readers recurse once per
 * level and check the depth before they do. {@code MAX_DEPTH} levels still read.
 */
class AmfNestingTest {

    private static final int HOSTILE_DEPTH = 100_000;

    /**
     * One container kind: bytes before the outermost level, the bytes that open a level, the
     * innermost value, the bytes that close a level.
     */
    private record Nesting(String name, byte[] prefix, byte[] open, byte[] inner, byte[] close) {
        Nesting(String name, byte[] open, byte[] inner, byte[] close) {
            this(name, new byte[0], open, inner, close);
        }

        byte[] levels(int depth) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(depth * (open.length + close.length) + inner.length);
            out.writeBytes(prefix);
            for (int i = 0; i < depth; i++) {
                out.writeBytes(open);
            }
            out.writeBytes(inner);
            for (int i = 0; i < depth; i++) {
                out.writeBytes(close);
            }
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> amf0() {
        byte[] end = bytes(0x00, 0x00, 0x09);
        byte[] none = new byte[0];
        return Stream.of(
                // object {a: ...}
                new Nesting("object", bytes(0x03, 0x00, 0x01, "a"), bytes(0x05), end),
                // ECMA array (count 1) {a: ...}
                new Nesting("ECMA array", bytes(0x08, 0, 0, 0, 1, 0x00, 0x01, "a"), bytes(0x05), end),
                // typed object T {a: ...}
                new Nesting("typed object", bytes(0x10, 0x00, 0x01, "T", 0x00, 0x01, "a"), bytes(0x05), end),
                // strict array [...]
                new Nesting("strict array", bytes(0x0A, 0, 0, 0, 1), bytes(0x05), none),
                // avmplus switch once, then AMF3 dense arrays [...]
                new Nesting("AMF3 arrays inside AMF0", bytes(0x11), bytes(0x09, 0x03, 0x01), bytes(0x01), none)
        ).map(Arguments::of);
    }

    static Stream<Arguments> amf3() {
        byte[] none = new byte[0];
        return Stream.of(
                // array, dense count 1, no associative part: [...]
                new Nesting("dense array", bytes(0x09, 0x03, 0x01), bytes(0x01), none),
                // array, dense count 0, associative {a: ...}, then the empty key
                new Nesting("associative array", bytes(0x09, 0x01, 0x03, "a"), bytes(0x01), bytes(0x01)),
                // anonymous dynamic object, inline traits: {a: ...}, then the empty member name
                new Nesting("dynamic object", bytes(0x0A, 0x0B, 0x01, 0x03, "a"), bytes(0x01), bytes(0x01)),
                // typed object Pt with one sealed member x
                new Nesting("typed object", bytes(0x0A, 0x13, 0x05, "Pt", 0x03, "x"), bytes(0x01), none),
                // vector of objects, one item, fixed 0, element type ""
                new Nesting("object vector", bytes(0x10, 0x03, 0x00, 0x01), bytes(0x01), none),
                // dictionary, one entry, weak 0, key integer 1
                new Nesting("dictionary", bytes(0x11, 0x03, 0x00, 0x04, 0x01), bytes(0x01), none)
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "AMF0 {0}")
    @MethodSource("amf0")
    @Timeout(10)
    void amf0ContainersNestedDeeplyAreRefused(Nesting nesting) {
        assertEquals(1, readAmf0(nesting.levels(Amf.MAX_DEPTH)).size());
        AmfException e = amf0Error(nesting.levels(HOSTILE_DEPTH));
        assertTrue(e.getMessage().contains("nesting deeper than " + Amf.MAX_DEPTH), e.getMessage());
    }

    @ParameterizedTest(name = "AMF3 {0}")
    @MethodSource("amf3")
    @Timeout(10)
    void amf3ContainersNestedDeeplyAreRefused(Nesting nesting) {
        assertEquals(1, readAmf3(nesting.levels(Amf.MAX_DEPTH)).size());
        AmfException e = amf3Error(nesting.levels(HOSTILE_DEPTH));
        assertTrue(e.getMessage().contains("nesting deeper than " + Amf.MAX_DEPTH), e.getMessage());
    }
}
