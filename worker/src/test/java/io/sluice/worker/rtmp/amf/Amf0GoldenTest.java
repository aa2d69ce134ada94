package io.sluice.worker.rtmp.amf;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf0;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf0Error;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.bytes;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.hex;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.readAmf0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact AMF0 bytes, built by hand from the AMF0 specification, in both directions. */
class Amf0GoldenTest {

    /**
     * The connect command ffmpeg (libavformat 59.27.100) sends when publishing: command name,
     * transaction id 1, command object. Every length below is counted by hand.
     */
    static final byte[] FFMPEG_CONNECT = bytes(
            0x02, 0x00, 0x07, "connect",                                     // string "connect"
            0x00, 0x3F, 0xF0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,             // number 1.0
            0x03,                                                            // object
            0x00, 0x03, "app", 0x02, 0x00, 0x04, "live",
            0x00, 0x04, "type", 0x02, 0x00, 0x0A, "nonprivate",
            0x00, 0x08, "flashVer", 0x02, 0x00, 0x24, "FMLE/3.0 (compatible; Lavf59.27.100)",
            0x00, 0x05, "tcUrl", 0x02, 0x00, 0x1A, "rtmp://127.0.0.1:1935/live",
            0x00, 0x00, 0x09);                                               // object end

    static final Map<String, Object> CONNECT_OBJECT = Amf.object(
            "app", "live",
            "type", "nonprivate",
            "flashVer", "FMLE/3.0 (compatible; Lavf59.27.100)",
            "tcUrl", "rtmp://127.0.0.1:1935/live");

    /** onMetaData as an ECMA array of three entries (count 3), as flvenc/ffmpeg write it. */
    static final byte[] ON_METADATA = bytes(
            0x02, 0x00, 0x0A, "onMetaData",
            0x08, 0x00, 0x00, 0x00, 0x03,                                    // ECMA array, count 3
            0x00, 0x05, "width", 0x00, 0x40, 0x94, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // 1280.0
            0x00, 0x06, "stereo", 0x01, 0x01,
            0x00, 0x07, "encoder", 0x02, 0x00, 0x0D, "Lavf59.27.100",
            0x00, 0x00, 0x09);

    @Test
    void writesConnectExactlyAsFfmpeg() {
        assertEquals(hex(FFMPEG_CONNECT), hex(amf0("connect", 1.0, CONNECT_OBJECT)));
    }

    @Test
    void readsConnectAsFfmpegSendsIt() {
        List<Object> values = readAmf0(FFMPEG_CONNECT);
        assertEquals(List.of("connect", 1.0, CONNECT_OBJECT), values);
        assertEquals(List.copyOf(CONNECT_OBJECT.keySet()), List.copyOf(((Map<?, ?>) values.get(2)).keySet()),
                "property order kept");
    }

    @Test
    void integerTransactionIdIsWrittenAsNumber() {
        assertArrayEquals(FFMPEG_CONNECT, amf0("connect", 1, CONNECT_OBJECT));
    }

    @Test
    void onMetaDataRoundTripsAsEcmaArray() {
        List<Object> values = readAmf0(ON_METADATA);
        EcmaArray metadata = assertInstanceOf(EcmaArray.class, values.get(1));
        assertEquals(Map.of("width", 1280.0, "stereo", true, "encoder", "Lavf59.27.100"), metadata);
        assertEquals(hex(ON_METADATA), hex(amf0(values.toArray())));
    }

    @Test
    void ecmaArrayWithWrongCountIsReadUpToObjectEnd() {
        for (long count : new long[] {0, 1, 0xFFFF_FFFFL}) {
            byte[] quirky = ON_METADATA.clone();
            for (int i = 0; i < 4; i++) {                // the U32 count sits at offsets 14..17
                quirky[14 + i] = (byte) (count >>> (24 - 8 * i));
            }
            EcmaArray metadata = assertInstanceOf(EcmaArray.class, readAmf0(quirky).get(1));
            assertEquals(3, metadata.size(), "declared count " + count);
        }
    }

    @Test
    void everyScalarMarker() {
        byte[] data = bytes(
                0x00, -2.5,                                   // number
                0x01, 0x00, 0x01, 0x07,                      // false, any non-zero is true
                0x02, 0x00, 0x00,                            // empty string
                0x05, 0x06, 0x0D,                            // null, undefined, unsupported
                0x0B, 1.7e12, 0xFF, 0x88,                    // date, time zone -120
                0x0C, 0x00, 0x00, 0x00, 0x02, "hi",          // long string
                0x0F, 0x00, 0x00, 0x00, 0x04, "<a/>");       // xml document
        List<Object> values = readAmf0(data);
        assertEquals(List.of(-2.5, false, true, ""), values.subList(0, 4));
        assertEquals(null, values.get(4));
        assertSame(AmfUndefined.INSTANCE, values.get(5));
        assertSame(AmfUndefined.INSTANCE, values.get(6));
        assertEquals(new AmfDate(1.7e12, -120), values.get(7));
        assertEquals("hi", values.get(8));
        assertEquals(new AmfXml("<a/>"), values.get(9));
    }

    @Test
    void referenceResolvesToEarlierComplexValue() {
        // [ {a:1}, [ ], ref 0, ref 1 ]: the outer strict array is index 0 itself, {a:1} is 1.
        byte[] data = bytes(
                0x0A, 0x00, 0x00, 0x00, 0x04,
                0x03, 0x00, 0x01, "a", 0x00, 1.0, 0x00, 0x00, 0x09,
                0x0A, 0x00, 0x00, 0x00, 0x00,
                0x07, 0x00, 0x01,
                0x07, 0x00, 0x02);
        List<?> list = (List<?>) readAmf0(data).get(0);
        assertEquals(Map.of("a", 1.0), list.get(0));
        assertSame(list.get(0), list.get(2));
        assertSame(list.get(1), list.get(3));
    }

    @Test
    void referencesSpanTheValuesOfOneReadAll() {
        byte[] data = bytes(0x03, 0x00, 0x00, 0x09, 0x07, 0x00, 0x00);
        List<Object> values = readAmf0(data);
        assertSame(values.get(0), values.get(1));
    }

    @Test
    void typedObject() {
        byte[] data = bytes(0x10, 0x00, 0x02, "Pt", 0x00, 0x01, "x", 0x00, 2.0, 0x00, 0x00, 0x09);
        assertEquals(List.of(new AmfTypedObject("Pt", Map.of("x", 2.0))), readAmf0(data));
        assertArrayEquals(data, amf0(new AmfTypedObject("Pt", Map.of("x", 2.0))));
    }

    @Test
    void emptyNameFollowedByValueIsAPropertyNotTheEnd() {
        byte[] data = bytes(0x03, 0x00, 0x00, 0x05, 0x00, 0x00, 0x09);
        Map<?, ?> object = (Map<?, ?>) readAmf0(data).get(0);
        assertTrue(object.containsKey(""));
        assertEquals(1, object.size());
    }

    @Test
    void avmplusSwitchReadsOneAmf3Value() {
        byte[] data = bytes(
                0x02, 0x00, 0x04, "test",
                0x11, 0x0A, 0x0B, 0x01, 0x03, "a", 0x06, 0x03, "b", 0x01,   // AMF3 {a:"b"}
                0x11, 0x04, 0x7F,                                           // AMF3 integer 127
                0x00, 1.0);                                                 // back to AMF0
        assertEquals(List.of("test", Map.of("a", "b"), 127, 1.0), readAmf0(data));
    }

    @Test
    void avmplusSwitchInsideAnAmf0Object() {
        byte[] data = bytes(0x03, 0x00, 0x01, "k", 0x11, 0x0C, 0x05, 1, 2, 0x00, 0x00, 0x09);
        Map<?, ?> object = (Map<?, ?>) readAmf0(data).get(0);
        assertArrayEquals(new byte[] {1, 2}, (byte[]) object.get("k"));
    }

    @Test
    void eachAvmplusValueHasItsOwnAmf3Tables() {
        // The second value refers to string 0, which only the first value's context holds.
        byte[] data = bytes(0x11, 0x06, 0x03, "b", 0x11, 0x06, 0x00);
        AmfException e = amf0Error(data);
        assertTrue(e.getMessage().contains("string reference 0 out of range"), e.getMessage());
        assertEquals(6, e.offset(), "offset of the string header");
    }

    @Test
    void amf3OnlyValuesAreWrittenThroughAvmplus() {
        assertArrayEquals(bytes(0x11, 0x0C, 0x05, 1, 2), amf0((Object) new byte[] {1, 2}));
    }

    @Test
    void longStringPast65535Utf8Bytes() {
        String exact = "é".repeat(32767) + "a";        // 65535 UTF-8 bytes: still a short string
        String over = exact + "b";
        assertEquals(0x02, amf0(exact)[0]);
        assertEquals(0x0C, amf0(over)[0]);
        assertEquals(List.of(exact, over), readAmf0(amf0(exact, over)));
    }
}
