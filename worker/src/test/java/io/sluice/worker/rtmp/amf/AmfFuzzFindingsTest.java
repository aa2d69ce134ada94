package io.sluice.worker.rtmp.amf;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf0Error;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What {@link Amf0ReaderFuzzTest} and {@link Amf3ReaderFuzzTest} found, as plain regression
 * tests; the fuzzers' inputs are in their corpora under the test's name. (What references make
 * of a value is in {@link AmfReferenceExpansionTest}.)
 */
class AmfFuzzFindingsTest {

    /** Hex with '|' at value boundaries. */
    private static byte[] hex(String annotated) {
        return AmfTestBytes.hex(annotated.replace("|", ""));
    }

    /**
     * An AMF3 object whose traits name a sealed member "" read as a map with the key "", which no
     * writer can encode in AMF3 (the empty name ends the dynamic members): a publisher's metadata
     * holding one failed in Amf3Writer, an "unexpected error" with a stack trace.
     */
    @Test
    void amf3SealedMemberWithAnEmptyNameIsRefused() {
        // AMF3 object, inline traits (U29O 0x13: 1 sealed member, not dynamic), class "", member ""
        // | the member's value: null
        byte[] amf3 = hex("0a 13 01 01 | 01");
        assertEquals("AMF3 object (0x0A) at offset 0: sealed member 0 of class '' has an empty name",
                amf3Error(amf3).getMessage());
        // The same inside AMF0, after the avmplus marker.
        assertEquals("AMF3 object (0x0A) at offset 1: sealed member 0 of class '' has an empty name",
                amf0Error(hex("11 | 0a 13 01 01 | 01")).getMessage());
        // What the writers could not do with the value this used to read as:
        assertThrows(AmfException.class, () -> AmfTestBytes.amf3(Map.of("", "x")));
    }

    /**
     * An AMF3 dictionary whose only key is the empty string read as a map like an object's, and
     * was written back as an object, where the empty name ends the members: Amf3Writer failed
     * on a publisher's metadata holding one, an unexpected error with a stack trace.
     */
    @Test
    void amf3DictionaryWithAnEmptyStringKeyIsRefused() {
        // AMF3 dense array of 1 (U29A 0x03), no associative part (0x01)
        // | dictionary (U29Dict 0x03: 1 entry), weak keys 0 | key: string "" (0x06 0x01) | value: null
        byte[] amf3 = hex("09 03 01 | 11 03 00 | 06 01 | 01");
        assertEquals("AMF3 dictionary (0x11) at offset 6: empty string key not supported",
                amf3Error(amf3).getMessage());
        assertThrows(AmfException.class, () -> AmfTestBytes.amf3(java.util.List.of(Map.of("", "x"))));
    }
}
