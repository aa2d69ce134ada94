package io.sluice.worker.rtmp.amf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf0;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf0Error;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf3;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf3Error;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.bytes;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.encode;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.readAmf0;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.readAmf3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input from the network, and values the writers cannot encode: always an AmfException
 * whose message names the type or marker, the offset and the reason.
 */
class AmfMalformedTest {

    private static void assertMessage(AmfException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }

    // ---- AMF0 -------------------------------------------------------------------------

    @Test
    void amf0EmptyInputToRead() {
        AmfException e = AmfTestBytes.decode(new byte[0], in -> assertThrows(AmfException.class, () -> Amf0Reader.read(in)));
        assertMessage(e, "AMF0 value marker", "offset 0", "truncated");
    }

    @Test
    void amf0UnknownMarker() {
        AmfException e = amf0Error(bytes(0x05, 0x12));
        assertMessage(e, "0x12", "offset 1", "unknown AMF0 type marker");
        assertEquals(1, e.offset());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x04, 0x0E})
    void amf0ReservedMarkers(int marker) {
        AmfException e = amf0Error(bytes(marker));
        assertMessage(e, marker == 0x04 ? "movieclip (0x04)" : "recordset (0x0E)", "offset 0", "reserved");
    }

    @Test
    void amf0ObjectEndOutsideObject() {
        assertMessage(amf0Error(bytes(0x09)), "object-end (0x09)", "outside an object");
    }

    @Test
    void amf0ObjectEndAfterNonEmptyName() {
        assertMessage(amf0Error(bytes(0x03, 0x00, 0x01, "a", 0x09)),
                "AMF0 object (0x03)", "offset 4", "object-end marker after non-empty property name 'a'");
    }

    @Test
    void amf0ObjectWithoutEnd() {
        assertMessage(amf0Error(bytes(0x03, 0x00, 0x01, "a", 0x05)), "missing object end", "truncated");
        assertMessage(amf0Error(bytes(0x03, 0x00, 0x00)), "AMF0 object (0x03)", "offset 3", "missing object-end marker");
        assertMessage(amf0Error(bytes(0x08, 0, 0, 0, 1, 0x00, 0x01, "a", 0x05, 0x00)), "ecma-array (0x08)", "truncated");
    }

    @Test
    void amf0StringLongerThanInput() {
        assertMessage(amf0Error(bytes(0x02, 0x01, 0x2C, "abc")),
                "AMF0 string (0x02)", "offset 3", "needs 300 bytes but 3 are readable");
    }

    @Test
    void amf0HugeLengthsAreCheckedBeforeAllocating() {
        assertMessage(amf0Error(bytes(0x0C, 0xFF, 0xFF, 0xFF, 0xFF, "ab")), "long-string (0x0C)", "needs 4294967295 bytes");
        assertMessage(amf0Error(bytes(0x0F, 0x7F, 0xFF, 0xFF, 0xFF)), "xml-document (0x0F)", "needs 2147483647 bytes");
        assertMessage(amf0Error(bytes(0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05)),
                "strict-array (0x0A)", "declares 4294967295 elements");
    }

    @Test
    void amf0TruncatedScalars() {
        assertMessage(amf0Error(bytes(0x00, 0x3F, 0xF0)), "number (0x00)", "offset 1", "needs 8 bytes but 2");
        assertMessage(amf0Error(bytes(0x01)), "boolean (0x01)", "truncated");
        assertMessage(amf0Error(bytes(0x0B, 1.0)), "date (0x0B)", "needs 10 bytes");
        assertMessage(amf0Error(bytes(0x07, 0x00)), "reference (0x07)", "truncated");
        assertMessage(amf0Error(bytes(0x10, 0x00, 0x05, "ab")), "typed-object (0x10) class name", "truncated");
    }

    @Test
    void amf0ReferenceOutOfRange() {
        assertMessage(amf0Error(bytes(0x03, 0x00, 0x00, 0x09, 0x07, 0x00, 0x05)),
                "reference (0x07)", "offset 4", "index 5 out of range, 1 complex values read so far");
    }

    @Test
    void amf0CyclicReferenceIsRefused() {
        assertMessage(amf0Error(bytes(0x03, 0x00, 0x01, "a", 0x07, 0x00, 0x00, 0x00, 0x00, 0x09)),
                "reference (0x07)", "still being read");
    }

    @Test
    void amf0EmptyTypedObjectClassName() {
        assertMessage(amf0Error(bytes(0x10, 0x00, 0x00, 0x00, 0x00, 0x09)), "typed-object", "empty class name");
    }

    @Test
    void amf0NestingLimit() {
        assertEquals(1, readAmf0(nestedStrictArrays(Amf.MAX_DEPTH)).size());
        AmfException e = amf0Error(nestedStrictArrays(Amf.MAX_DEPTH + 1));
        assertMessage(e, "strict-array (0x0A)", "offset " + 5 * Amf.MAX_DEPTH, "nesting deeper than 64");
    }

    @Test
    void amf0NestingLimitCountsAmf3Levels() {
        byte[] amf3Nested = nestedAmf3Arrays(Amf.MAX_DEPTH);
        byte[] inside = new byte[5 + 1 + amf3Nested.length];
        System.arraycopy(bytes(0x0A, 0, 0, 0, 1, 0x11), 0, inside, 0, 6);
        System.arraycopy(amf3Nested, 0, inside, 6, amf3Nested.length);
        assertMessage(amf0Error(inside), "AMF3 array (0x09)", "nesting deeper");
    }

    private static byte[] nestedStrictArrays(int depth) {
        byte[] data = new byte[5 * depth + 1];
        for (int i = 0; i < depth; i++) {
            System.arraycopy(bytes(0x0A, 0, 0, 0, 1), 0, data, 5 * i, 5);
        }
        data[5 * depth] = 0x05;
        return data;
    }

    @Test
    void amf0EveryTruncationOfARealCommandFails() {
        byte[] full = Amf0GoldenTest.FFMPEG_CONNECT;
        for (int length = 1; length < full.length; length++) {
            if (length == 10 || length == 19) {
                continue;          // complete prefixes: "connect" (3 + 7), then 1.0 (1 + 8)
            }
            AmfException e = amf0Error(Arrays.copyOf(full, length));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("missing object end"),
                    "prefix " + length + ": " + e.getMessage());
        }
    }

    // ---- AMF3 -------------------------------------------------------------------------

    @Test
    void amf3UnknownMarker() {
        assertMessage(amf3Error(bytes(0x12)), "AMF3 marker 0x12", "offset 0", "unknown AMF3 type marker");
    }

    @Test
    void amf3TruncatedU29() {
        assertMessage(amf3Error(bytes(0x04, 0xFF, 0xFF)), "AMF3 integer (0x04)", "offset 3", "truncated");
    }

    @Test
    void amf3StringReferenceOutOfRange() {
        assertMessage(amf3Error(bytes(0x06, 0x02)), "AMF3 string (0x06)", "offset 1", "string reference 1 out of range, 0 strings");
    }

    @Test
    void amf3ObjectReferenceOutOfRange() {
        assertMessage(amf3Error(bytes(0x0A, 0x02)), "AMF3 object (0x0A)", "offset 0", "object reference 1 out of range");
        assertMessage(amf3Error(bytes(0x08, 0x00)), "AMF3 date (0x08)", "object reference 0 out of range");
    }

    @Test
    void amf3TraitsReferenceOutOfRange() {
        assertMessage(amf3Error(bytes(0x0A, 0x05)), "AMF3 object (0x0A)", "traits reference 1 out of range, 0 traits");
    }

    @Test
    void amf3ExternalizableNamesTheClass() {
        assertMessage(amf3Error(bytes(0x0A, 0x07, 0x43, "flex.messaging.io.ArrayCollection", 0x09, 0x01, 0x01)),
                "AMF3 object (0x0A)", "offset 0", "externalizable class 'flex.messaging.io.ArrayCollection'");
    }

    @Test
    void amf3HugeLengthsAreCheckedBeforeAllocating() {
        assertMessage(amf3Error(bytes(0x0C, 0xBF, 0xFF, 0xFF, 0xFF, 0x00)), "byte-array (0x0C)", "needs 134217727 bytes");
        assertMessage(amf3Error(bytes(0x06, 0xBF, 0xFF, 0xFF, 0xFF)), "string (0x06)", "needs 134217727 bytes");
        assertMessage(amf3Error(bytes(0x09, 0xBF, 0xFF, 0xFF, 0xFF, 0x01)), "array (0x09)", "declares 134217727 elements");
        assertMessage(amf3Error(bytes(0x0D, 0xBF, 0xFF, 0xFF, 0xFF, 0x00, 0, 0, 0, 0)),
                "vector-int (0x0D)", "declares 134217727 elements of at least 4 bytes");
        assertMessage(amf3Error(bytes(0x0A, 0xBF, 0xFF, 0xFF, 0xF3, 0x01)), "sealed member names", "declares");
        assertMessage(amf3Error(bytes(0x11, 0x05, 0x00, 0x01)), "dictionary (0x11)", "declares 2 elements");
    }

    @Test
    void amf3CyclicReferenceIsRefused() {
        assertMessage(amf3Error(bytes(0x09, 0x03, 0x01, 0x09, 0x00)), "AMF3 array (0x09)", "offset 3", "still being read");
    }

    @Test
    void amf3DictionaryObjectKeyIsRefused() {
        assertMessage(amf3Error(bytes(0x11, 0x03, 0x00, 0x0A, 0x0B, 0x01, 0x01, 0x04, 0x01)),
                "dictionary (0x11)", "offset 3", "key of type LinkedHashMap not supported");
    }

    @Test
    void amf3NestingLimit() {
        assertEquals(1, readAmf3(nestedAmf3Arrays(Amf.MAX_DEPTH)).size());
        assertMessage(amf3Error(nestedAmf3Arrays(Amf.MAX_DEPTH + 1)),
                "AMF3 array (0x09)", "offset " + 3 * Amf.MAX_DEPTH, "nesting deeper than 64");
    }

    private static byte[] nestedAmf3Arrays(int depth) {
        byte[] data = new byte[3 * depth + 1];
        for (int i = 0; i < depth; i++) {
            System.arraycopy(bytes(0x09, 0x03, 0x01), 0, data, 3 * i, 3);
        }
        data[3 * depth] = 0x01;
        return data;
    }

    @Test
    void amf3EveryTruncationOfAComplexValueFails() {
        Map<Object, Object> dictionary = new LinkedHashMap<>();
        dictionary.put(1, new AmfDate(2.0, 0));
        byte[] full = amf3(List.of(new AmfTypedObject("Pt", Amf.object("x", 1, "name", "abc")),
                new Amf3Array(Amf.object("k", new AmfXml("<a/>")), List.of(2.5)), new byte[] {1, 2}, dictionary));
        for (int length = 0; length < full.length; length++) {
            AmfException e = amf3Error(Arrays.copyOf(full, length));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("bytes are readable"),
                    "prefix " + length + ": " + e.getMessage());
        }
    }

    // ---- writers ------------------------------------------------------------------------

    @Test
    void writersRefuseUnknownJavaTypes() {
        AmfException e0 = assertThrows(AmfException.class, () -> amf0("ok", new StringBuilder("x")));
        assertMessage(e0, "AMF0 value", "offset 5", "no AMF0 encoding for Java type java.lang.StringBuilder");
        AmfException e3 = assertThrows(AmfException.class, () -> amf3(Thread.State.NEW));
        assertMessage(e3, "AMF3 value", "no AMF3 encoding for Java type java.lang.Thread$State");
    }

    @Test
    void writersRefuseCycles() {
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        assertMessage(assertThrows(AmfException.class, () -> amf0(cyclic)), "nesting deeper than 64");
        assertMessage(assertThrows(AmfException.class, () -> amf3(cyclic)), "cyclic value");
    }

    @Test
    void writersRefuseTooDeepValues() {
        Object deep = "leaf";
        for (int i = 0; i < Amf.MAX_DEPTH + 1; i++) {
            deep = List.of(deep);
        }
        Object tooDeep = deep;
        assertThrows(AmfException.class, () -> amf0(tooDeep));
        assertThrows(AmfException.class, () -> amf3(tooDeep));
        assertEquals(1, readAmf0(amf0(((List<?>) tooDeep).get(0))).size());
    }

    @Test
    void amf0WriterRefusesNamesOverU16() {
        Map<String, Object> object = Amf.object("k".repeat(65_536), 1.0);
        assertMessage(assertThrows(AmfException.class, () -> amf0(object)),
                "AMF0 object (0x03)", "offset 1", "65536 UTF-8 bytes exceeds the U16 limit");
    }

    @Test
    void amf0WriterRefusesTimeZoneOverS16() {
        assertMessage(assertThrows(AmfException.class, () -> amf0(new AmfDate(0, 40_000))), "date (0x0B)", "S16");
    }

    @Test
    void amf3WriterRefusesEmptyDynamicName() {
        assertMessage(assertThrows(AmfException.class, () -> amf3(Amf.object("", 1))),
                "AMF3 object (0x0A)", "member name must be a non-empty String");
    }

    @Test
    void writerErrorLeavesNoLeak() {
        // encode() releases the buffer in finally even when the writer throws.
        assertThrows(AmfException.class, () -> encode(out -> Amf0Writer.write(out, new Object())));
    }

    @Test
    void builderRejectsOddArgumentsAndNonStringKeys() {
        assertThrows(IllegalArgumentException.class, () -> Amf.object("a"));
        assertThrows(IllegalArgumentException.class, () -> Amf.object(1, "a"));
        assertThrows(IllegalArgumentException.class, () -> new AmfTypedObject("", Map.of()));
    }
}
