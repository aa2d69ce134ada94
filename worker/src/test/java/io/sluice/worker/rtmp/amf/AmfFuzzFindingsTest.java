package io.sluice.worker.rtmp.amf;

import org.junit.jupiter.api.Test;

import java.util.List;
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

    /** U29 string header of an inline string of {@code length} bytes (below 2^20), then the bytes. */
    private static byte[] amf3Name(int length) {
        int header = length << 1 | 1;
        byte[] out = new byte[3 + length];
        out[0] = (byte) (0x80 | header >> 14 & 0x7F);
        out[1] = (byte) (0x80 | header >> 7 & 0x7F);
        out[2] = (byte) (header & 0x7F);
        java.util.Arrays.fill(out, 3, out.length, (byte) 'n');
        return out;
    }

    /**
     * The same kind of gap, found by reading the writers after the two above rather than by the
     * fuzzers (their inputs stop at 4 KiB): AMF3 names may be up to 2^28 bytes long, AMF0 names
     * only 65 535, and an AMF3 object is written back in AMF0 (avmplus values read as maps).
     */
    @Test
    void amf3NamesLongerThanAnAmf0NameAreRefused() {
        byte[] tooLong = amf3Name(Amf3Reader.MAX_NAME_BYTES + 1);
        byte[] longest = amf3Name(Amf3Reader.MAX_NAME_BYTES);
        // Anonymous dynamic object (U29O 0x0B, class "") | member name | null | end of members
        byte[] dynamic = AmfTestBytes.bytes(0x0A, 0x0B, 0x01, tooLong, 0x01, 0x01);
        assertEquals("AMF3 object (0x0A) member name at offset 3: name of 65536 UTF-8 bytes, more than an AMF0 "
                + "name can hold (65535)", amf3Error(dynamic).getMessage());
        // Typed object with that class name, no members (U29O 0x03)
        assertThrows(AmfException.class, () -> AmfTestBytes.readAmf3(AmfTestBytes.bytes(0x0A, 0x03, tooLong)));
        // One sealed member (U29O 0x13), class "" | member name | its value: null
        assertThrows(AmfException.class, () -> AmfTestBytes.readAmf3(AmfTestBytes.bytes(0x0A, 0x13, 0x01, tooLong, 0x01)));
        // Dictionary of 1 entry, weak keys 0 | string key (0x06) | null
        assertThrows(AmfException.class, () -> AmfTestBytes.readAmf3(AmfTestBytes.bytes(0x11, 0x03, 0x00, 0x06, tooLong, 0x01)));

        // The longest AMF0 name still reads, inside AMF0, and is written back.
        List<Object> read = AmfTestBytes.readAmf0(AmfTestBytes.bytes(0x11, 0x0A, 0x0B, 0x01, longest, 0x01, 0x01));
        assertEquals(Amf3Reader.MAX_NAME_BYTES, ((Map<?, ?>) read.get(0)).keySet().iterator().next().toString().length());
        AmfTestBytes.amf0(read.get(0));
        // What the writer does with one byte more:
        assertThrows(AmfException.class, () -> AmfTestBytes.amf0(Map.of("n".repeat(Amf3Reader.MAX_NAME_BYTES + 1), "x")));
    }
}
