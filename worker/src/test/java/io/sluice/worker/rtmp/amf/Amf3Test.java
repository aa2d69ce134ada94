package io.sluice.worker.rtmp.amf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf3;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.bytes;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.hex;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.readAmf3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/** AMF3 round trips and exact bytes, built by hand from the AMF3 specification. */
class Amf3Test {

    static Stream<Object> values() {
        Map<Object, Object> dictionary = new LinkedHashMap<>();
        dictionary.put(1, "one");
        dictionary.put("k", false);
        dictionary.put(null, 2.5);
        return Stream.of(
                AmfUndefined.INSTANCE, true, false,
                0, 1, -1, Amf3Markers.INT_MIN, Amf3Markers.INT_MAX,
                0.5, -1e300, Double.NaN,
                "", "héllo ✓ 😀", "y".repeat(20_000),
                new AmfXml("<doc/>"),
                new AmfDate(1.7e12, 0),
                List.of(), List.of(1, "two", 3.0), Arrays.asList(null, AmfUndefined.INSTANCE),
                new Amf3Array(Amf.object("name", "n"), List.of(1, 2)),
                Amf.object(), Amf.object("a", 1, "b", Amf.object("c", List.of("d"))),
                new AmfTypedObject("flex.Msg", Amf.object("body", "x", "headers", Amf.object("h", 1))),
                dictionary);
    }

    @ParameterizedTest
    @MethodSource("values")
    void roundTrips(Object value) {
        assertEquals(Arrays.asList(value), readAmf3(amf3(value)));
    }

    @Test
    void nullAndByteArray() {
        byte[] payload = {9, 8, 7};
        List<Object> read = readAmf3(amf3(null, payload));
        assertEquals(null, read.get(0));
        assertArrayEquals(payload, (byte[]) read.get(1));
    }

    @Test
    void numbersOutsideTheIntegerRangeBecomeDoubles() {
        assertEquals(List.of(268435456.0, (double) Integer.MIN_VALUE, 5.0),
                readAmf3(amf3(Amf3Markers.INT_MAX + 1, Integer.MIN_VALUE, 5L)));
        assertEquals(hex(bytes(0x05, 268435456.0)), hex(amf3(1 << 28)));
    }

    @Test
    void ecmaArrayBecomesAssociativeArray() {
        assertEquals(List.of(new Amf3Array(Amf.object("a", 1), List.of())), readAmf3(amf3(EcmaArray.of("a", 1))));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 04 00",
        "127, 04 7f",
        "128, 04 81 00",
        "16383, 04 ff 7f",
        "16384, 04 81 80 00",
        "2097151, 04 ff ff 7f",
        "2097152, 04 80 c0 80 00",
        "268435455, 04 bf ff ff ff",
        "-1, 04 ff ff ff ff",
        "-268435456, 04 c0 80 80 00",
    })
    void u29IntegerEncoding(int value, String expected) {
        assertEquals(expected.replace(" ", ""), hex(amf3(value)));
        assertEquals(List.of(value), readAmf3(AmfTestBytes.hex(expected)));
    }

    @Test
    void stringReferencesAndTheNeverReferencedEmptyString() {
        // ["abc", "abc", "", "abc"]: inline, reference 0, empty inline, reference 0.
        byte[] expected = bytes(0x09, 0x09, 0x01, 0x06, 0x07, "abc", 0x06, 0x00, 0x06, 0x01, 0x06, 0x00);
        List<Object> value = List.of("abc", "abc", "", "abc");
        assertEquals(hex(expected), hex(amf3(value)));
        assertEquals(List.of(value), readAmf3(expected));
        // "" inline is not entered in the table, so reference 0 after it is "x".
        assertEquals(List.of("", "x", "x"), readAmf3(bytes(0x06, 0x01, 0x06, 0x03, "x", 0x06, 0x00)));
    }

    @Test
    void objectReferences() {
        Map<String, Object> shared = Amf.object("a", 1);
        // The outer array is object 0, the shared object is object 1: its second use is 0A 02.
        byte[] expected = bytes(0x09, 0x05, 0x01,
                0x0A, 0x0B, 0x01, 0x03, "a", 0x04, 0x01, 0x01,
                0x0A, 0x02);
        assertEquals(hex(expected), hex(amf3(List.of(shared, shared))));
        List<?> read = (List<?>) readAmf3(expected).get(0);
        assertEquals(shared, read.get(0));
        assertSame(read.get(0), read.get(1));
    }

    @Test
    void traitsReferences() {
        // Two Pt objects: inline sealed traits (2 members, not dynamic: 0x23), then traits ref 0 (0x01).
        byte[] expected = bytes(0x09, 0x05, 0x01,
                0x0A, 0x23, 0x05, "Pt", 0x03, "x", 0x03, "y", 0x04, 0x01, 0x04, 0x02,
                0x0A, 0x01, 0x04, 0x03, 0x04, 0x04);
        List<Object> value = List.of(new AmfTypedObject("Pt", Amf.object("x", 1, "y", 2)),
                new AmfTypedObject("Pt", Amf.object("x", 3, "y", 4)));
        assertEquals(hex(expected), hex(amf3(value)));
        assertEquals(List.of(value), readAmf3(expected));
    }

    @Test
    void anonymousObjectTraitsAreReferencedToo() {
        byte[] expected = bytes(0x09, 0x05, 0x01,
                0x0A, 0x0B, 0x01, 0x03, "a", 0x04, 0x01, 0x01,
                0x0A, 0x01, 0x00, 0x04, 0x02, 0x01);
        List<Object> value = List.of(Amf.object("a", 1), Amf.object("a", 2));
        assertEquals(hex(expected), hex(amf3(value)));
        assertEquals(List.of(value), readAmf3(expected));
    }

    @Test
    void sealedAndDynamicMembersTogether() {
        // Traits: class "C", dynamic, one sealed member "s" (0x1B); then dynamic "d".
        byte[] data = bytes(0x0A, 0x1B, 0x03, "C", 0x03, "s", 0x04, 0x01, 0x03, "d", 0x02, 0x01);
        assertEquals(List.of(new AmfTypedObject("C", Amf.object("s", 1, "d", false))), readAmf3(data));
    }

    @Test
    void referencesSpanValuesOfOneReaderAndWriter() {
        Map<String, Object> shared = Amf.object("a", "b");
        byte[] data = amf3(shared, shared, "b");
        assertEquals(hex(bytes(0x0A, 0x0B, 0x01, 0x03, "a", 0x06, 0x03, "b", 0x01, 0x0A, 0x00, 0x06, 0x02)), hex(data));
        List<Object> read = readAmf3(data);
        assertSame(read.get(0), read.get(1));
        assertEquals("b", read.get(2));
    }

    @Test
    void xmlDateAndByteArrayEncodings() {
        assertEquals(hex(bytes(0x07, 0x09, "<a/>")), hex(amf3(new AmfXml("<a/>"))));
        assertEquals(List.of(new AmfXml("<b/>")), readAmf3(bytes(0x0B, 0x09, "<b/>")));
        assertEquals(hex(bytes(0x08, 0x01, 1.5)), hex(amf3(new AmfDate(1.5, 0))));
        assertEquals(hex(bytes(0x0C, 0x05, 0xAA, 0xBB)), hex(amf3((Object) new byte[] {(byte) 0xAA, (byte) 0xBB})));
    }

    @Test
    void associativeArray() {
        byte[] expected = bytes(0x09, 0x03, 0x03, "k", 0x06, 0x03, "v", 0x01, 0x04, 0x07);
        Amf3Array array = new Amf3Array(Amf.object("k", "v"), List.of(7));
        assertEquals(hex(expected), hex(amf3(array)));
        assertEquals(List.of(array), readAmf3(expected));
    }

    @Test
    void vectors() {
        assertEquals(List.of(List.of(1, -1)),
                readAmf3(bytes(0x0D, 0x05, 0x00, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF)));
        assertEquals(List.of(List.of(4294967295L)), readAmf3(bytes(0x0E, 0x03, 0x00, 0xFF, 0xFF, 0xFF, 0xFF)));
        assertEquals(List.of(List.of(1.5)), readAmf3(bytes(0x0F, 0x03, 0x01, 1.5)));
        assertEquals(List.of(List.of("a", 7)),
                readAmf3(bytes(0x10, 0x05, 0x00, 0x0D, "Object", 0x06, 0x03, "a", 0x04, 0x07)));
        // Vectors are objects: a later reference finds them.
        List<Object> read = readAmf3(bytes(0x09, 0x05, 0x01, 0x0D, 0x03, 0x00, 0, 0, 0, 9, 0x0D, 0x02));
        List<?> outer = (List<?>) read.get(0);
        assertSame(outer.get(0), outer.get(1));
    }

    @Test
    void dictionary() {
        byte[] expected = bytes(0x11, 0x05, 0x00, 0x04, 0x01, 0x06, 0x03, "x", 0x06, 0x03, "k", 0x02);
        Map<Object, Object> dictionary = new LinkedHashMap<>();
        dictionary.put(1, "x");
        dictionary.put("k", false);
        assertEquals(hex(expected), hex(amf3(dictionary)));
        assertInstanceOf(Map.class, readAmf3(expected).get(0));
        assertEquals(List.of(dictionary), readAmf3(expected));
    }
}
