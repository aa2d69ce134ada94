package io.sluice.worker.rtmp.amf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf0;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.decode;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.readAmf0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Every AMF0 type written by {@link Amf0Writer} reads back equal with {@link Amf0Reader}. */
class Amf0RoundTripTest {

    static Stream<Object> values() {
        List<Object> mixed = new ArrayList<>(Arrays.asList(1.0, null, "x", AmfUndefined.INSTANCE, List.of()));
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("missing", null);
        return Stream.of(
                0.0, -1.5, Double.MAX_VALUE, Double.NaN, Double.NEGATIVE_INFINITY,
                true, false,
                "", "héllo ✓ 😀", "x".repeat(70_000),
                AmfUndefined.INSTANCE,
                Amf.object("level", "status", "code", "NetStream.Play.Start",
                        "nested", Amf.object("deep", Amf.object("deeper", List.of(1.0, 2.0)))),
                withNull,
                Amf.object(),
                EcmaArray.of("duration", 0.0, "width", 1280.0, "encoder", "Lavf59.27.100"),
                new EcmaArray(),
                mixed,
                new AmfDate(1.7e12, -120),
                new AmfXml("<root a=\"1\"/>"),
                new AmfTypedObject("com.example.Pt", Amf.object("x", 1.0, "y", Amf.object())),
                new Amf3Array(Amf.object("k", "v"), List.of(1, 2)),
                Map.of(7, "seven"));
    }

    @ParameterizedTest
    @MethodSource("values")
    void roundTrips(Object value) {
        List<Object> read = readAmf0(amf0(value));
        assertEquals(1, read.size());
        assertEquals(value, read.get(0));
        assertEquals(value instanceof EcmaArray, read.get(0) instanceof EcmaArray, "ECMA array kept distinct");
    }

    @Test
    void nullRoundTrips() {
        assertEquals(Arrays.asList((Object) null), readAmf0(amf0((Object) null)));
        assertArrayEquals(new byte[] {0x05}, amf0((Object) null));
    }

    @Test
    void ecmaArrayStaysDistinctFromObject() {
        List<Object> read = readAmf0(amf0(EcmaArray.of("a", 1.0), Amf.object("a", 1.0)));
        assertInstanceOf(EcmaArray.class, read.get(0));
        assertFalse(read.get(1) instanceof EcmaArray);
    }

    @Test
    void numbersOfEveryJavaTypeBecomeDoubles() {
        assertEquals(List.of(7.0, 8.0, 9.5, 3.0), readAmf0(amf0(7, 8L, 9.5f, (short) 3)));
    }

    @Test
    void byteArrayTravelsThroughAvmplus() {
        byte[] payload = {0, 1, (byte) 0xFF};
        assertArrayEquals(payload, (byte[]) readAmf0(amf0((Object) payload)).get(0));
    }

    @Test
    void readLeavesFollowingBytesUnread() {
        byte[] two = amf0("first", 2.0);
        Object first = decode(two, in -> {
            Object value = Amf0Reader.read(in);
            assertEquals(9, in.readableBytes(), "the number (marker and 8 bytes) is still readable");
            return value;
        });
        assertEquals("first", first);
    }
}
