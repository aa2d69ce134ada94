package io.sluice.worker.rtmp.amf;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf0;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.amf3;
import static io.sluice.worker.rtmp.amf.AmfTestBytes.decode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Corrupted and truncated variants of real encodings (fixed seed, bounded count): each one
 * either decodes or fails with an AmfException; never an IndexOutOfBoundsException, an
 * OutOfMemoryError from a forged length, or a StackOverflowError. Tests run with -Xmx256m.
 */
class AmfFuzzTest {

    private static final int ROUNDS = 3_000;

    private static List<byte[]> seeds() {
        Map<Object, Object> dictionary = new LinkedHashMap<>();
        dictionary.put(3, "three");
        Map<String, Object> shared = Amf.object("s", "shared");
        return List.of(
                Amf0GoldenTest.FFMPEG_CONNECT,
                Amf0GoldenTest.ON_METADATA,
                amf0("_result", 1.0, Amf.object("fmsVer", "FMS/3,0,1,123", "capabilities", 31.0),
                        List.of(Amf.object("level", "status"), new AmfDate(5, 0), AmfUndefined.INSTANCE),
                        new AmfTypedObject("T", Amf.object("a", null)), new byte[] {1, 2, 3}),
                amf3(List.of(shared, shared, new AmfTypedObject("Pt", Amf.object("x", 1, "y", 2.5)),
                        new AmfTypedObject("Pt", Amf.object("x", -3, "y", "s")), dictionary,
                        new Amf3Array(Amf.object("k", new AmfXml("<x/>")), List.of(new AmfDate(1, 0))),
                        new byte[] {9}, "shared")));
    }

    @Test
    void corruptedInputFailsOnlyWithAmfException() {
        Random random = new Random(20_240_601L);
        List<byte[]> seeds = seeds();
        int decoded = 0;
        int refused = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] seed = seeds.get(round % seeds.size());
            byte[] data = mutate(seed, random);
            boolean amf3 = round % seeds.size() == seeds.size() - 1;
            try {
                Object value = decode(data, in -> amf3 ? readAllAmf3(in) : Amf0Reader.readAll(in));
                String.valueOf(value);                    // decoded graphs are finite: toString ends
                decoded++;
            } catch (AmfException e) {
                assertTrue(e.getMessage().contains(" at offset "), e.getMessage());
                refused++;
            } catch (RuntimeException | Error e) {
                fail("round " + round + " input " + AmfTestBytes.hex(data) + " threw " + e, e);
            }
        }
        assertEquals(ROUNDS, decoded + refused);
        assertTrue(refused > ROUNDS / 10, "mutations should break many inputs, refused " + refused);
        assertTrue(decoded > 0, "some mutations should still decode");
    }

    private static Object readAllAmf3(io.netty.buffer.ByteBuf in) {
        Amf3Reader reader = new Amf3Reader();
        List<Object> values = new ArrayList<>();
        while (in.isReadable()) {
            values.add(reader.read(in));
        }
        return values;
    }

    /** Flips, replaces, inserts or drops a few bytes, or truncates. */
    private static byte[] mutate(byte[] seed, Random random) {
        List<Byte> bytes = new ArrayList<>(seed.length + 4);
        for (byte b : seed) {
            bytes.add(b);
        }
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && !bytes.isEmpty(); i++) {
            int at = random.nextInt(bytes.size());
            switch (random.nextInt(5)) {
                case 0 -> bytes.set(at, (byte) (bytes.get(at) ^ (1 << random.nextInt(8))));
                case 1 -> bytes.set(at, (byte) random.nextInt(256));
                case 2 -> bytes.set(at, (byte) 0xFF);
                case 3 -> bytes.add(at, (byte) random.nextInt(256));
                default -> bytes.subList(at, bytes.size()).clear();
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }
}
