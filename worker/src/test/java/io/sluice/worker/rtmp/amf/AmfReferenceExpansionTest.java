package io.sluice.worker.rtmp.amf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf0Error;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf3Error;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.bytes;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.readAmf0;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.readAmf3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * References repeat values already read for a few bytes. What they make of a value is bounded
 * ({@link Amf#MAX_REFERENCE_EXPANSION}, {@link Amf#MAX_DEPTH}) before the session prints it,
 * hashes it or writes it back to every player; these inputs would otherwise decode in
 * microseconds and then take forever or all memory downstream.
 */
class AmfReferenceExpansionTest {

    /** Object 0 is {}; object k is {a: ref(k-1), b: ref(k-1)}: 2^k values from 16 bytes a level. */
    private static byte[] doublingObjects(int levels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(0x03, 0x00, 0x00, 0x09));
        for (int k = 1; k <= levels; k++) {
            int previous = k - 1;
            out.writeBytes(bytes(0x03, 0x00, 0x01, "a", 0x07, previous >> 8, previous & 0xFF,
                    0x00, 0x01, "b", 0x07, previous >> 8, previous & 0xFF, 0x00, 0x00, 0x09));
        }
        return out.toByteArray();
    }

    @Test
    @Timeout(10)
    void amf0ReferencesDoublingEveryLevelAreRefused() {
        byte[] input = doublingObjects(40);
        assertTrue(input.length < 700, input.length + " bytes");
        AmfException e = amf0Error(input);
        assertTrue(e.getMessage().startsWith("AMF0 values at offset 0: references expand it to more than "),
                e.getMessage());
        // Ten levels are 2^10 values: fine.
        List<Object> ten = readAmf0(doublingObjects(10));
        assertEquals(11, ten.size());
        Map<?, ?> top = (Map<?, ?>) ten.get(10);
        assertSame(ten.get(9), top.get("a"), "a reference is the value it refers to, not a copy");
    }

    /**
     * Found by Amf0ReaderFuzzTest with a limit of 1 Mi: 1.2 kB (in the corpus under this name)
     * within it cost 100 MB of garbage to print and write back. Seventeen doubling levels, 276
     * bytes, are 2^17 objects: past 64 Ki, below 1 Mi.
     */
    @Test
    @Timeout(10)
    void referencesWithinAMillionButPast64KiAreRefused() {
        byte[] input = doublingObjects(17);
        assertEquals(276, input.length);
        AmfException e = amf0Error(input);
        assertTrue(e.getMessage().contains("references expand it to more than " + (276 + Amf.MAX_REFERENCE_EXPANSION)),
                e.getMessage());
    }

    @Test
    @Timeout(10)
    void amf0ReferenceChainsCountForTheDepthLimit() {
        // Object 0 is {}; object k is {a: ref(k-1)}: one reference a level, 100 levels deep.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(0x03, 0x00, 0x00, 0x09));
        for (int k = 1; k <= 100; k++) {
            out.writeBytes(bytes(0x03, 0x00, 0x01, "a", 0x07, (k - 1) >> 8, (k - 1) & 0xFF, 0x00, 0x00, 0x09));
        }
        AmfException e = amf0Error(out.toByteArray());
        assertTrue(e.getMessage().contains("references nest it deeper than " + Amf.MAX_DEPTH), e.getMessage());
    }

    @Test
    @Timeout(10)
    void amf3StringReferencesRepeatingALongStringAreRefused() {
        // A dense array of 20 001 strings: 60 000 'x' inline, then 20 000 references to it (06 00),
        // 1.2 billion characters from 100 kB.
        int refs = 20_000;
        int length = 60_000;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = refs + 1;
        out.writeBytes(bytes(0x09, 0x80 | ((count << 1 | 1) >> 14 & 0x7F), 0x80 | ((count << 1 | 1) >> 7 & 0x7F),
                (count << 1 | 1) & 0x7F, 0x01));
        int header = length << 1 | 1;
        out.writeBytes(bytes(0x06, 0x80 | (header >> 14 & 0x7F), 0x80 | (header >> 7 & 0x7F), header & 0x7F));
        out.writeBytes("x".repeat(length).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = 0; i < refs; i++) {
            out.writeBytes(bytes(0x06, 0x00));
        }
        AmfException e = amf3Error(out.toByteArray());
        assertTrue(e.getMessage().startsWith("AMF3 value at offset 0: references expand it to more than "),
                e.getMessage());
    }

    @Test
    void referencesWithinTheLimitStillRead() {
        // The same 1000-character string 50 times in AMF3 (string references), a shared object twice in AMF0.
        String text = "y".repeat(1000);
        List<Object> strings = Collections.nCopies(50, text);
        assertEquals(List.of(strings), readAmf3(AmfTestBytes.amf3(strings)));
        byte[] shared = bytes(0x03, 0x00, 0x01, "k", 0x02, 0x00, 0x01, "v", 0x00, 0x00, 0x09,
                0x0A, 0x00, 0x00, 0x00, 0x02, 0x07, 0x00, 0x00, 0x07, 0x00, 0x00);
        List<Object> values = readAmf0(shared);
        assertEquals(List.of(Map.of("k", "v"), List.of(Map.of("k", "v"), Map.of("k", "v"))), values);
    }
}
