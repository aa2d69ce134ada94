package io.sluice.worker.rtmp.amf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The names the readers give markers in their exception messages. The readers ask for the name
 * of every value they read, so it must cost nothing: a string made per call (a String.format, as
 * it was) was a good part of the garbage of a connect, createStream and play.
 */
class AmfMarkersTest {

    @Test
    void amf0MarkersAreNamedWithTheirByte() {
        assertEquals("AMF0 string (0x02)", Amf0Markers.describe(Amf0Markers.STRING));
        assertEquals("AMF0 avmplus-object (0x11)", Amf0Markers.describe(Amf0Markers.AVMPLUS));
        assertEquals("AMF0 marker 0x12", Amf0Markers.describe(0x12));
        assertEquals("AMF0 marker 0xFF", Amf0Markers.describe(0xFF));
    }

    @Test
    void amf3MarkersAreNamedWithTheirByte() {
        assertEquals("AMF3 object (0x0A)", Amf3Markers.describe(Amf3Markers.OBJECT));
        assertEquals("AMF3 dictionary (0x11)", Amf3Markers.describe(Amf3Markers.DICTIONARY));
        assertEquals("AMF3 marker 0x42", Amf3Markers.describe(0x42));
    }

    @Test
    void aNameIsMadeOnceNotPerValueRead() {
        for (int marker = 0; marker < 256; marker++) {
            assertSame(Amf0Markers.describe(marker), Amf0Markers.describe(marker), "AMF0 marker " + marker);
            assertSame(Amf3Markers.describe(marker), Amf3Markers.describe(marker), "AMF3 marker " + marker);
        }
    }
}
