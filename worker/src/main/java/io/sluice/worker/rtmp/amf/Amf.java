package io.sluice.worker.rtmp.amf;

import java.util.LinkedHashMap;
import java.util.Map;

/** Shared AMF limits and small builders for the values the session layer sends. */
public final class Amf {

    /**
     * Deepest nesting of containers (objects, arrays, vectors, dictionaries) a reader accepts or
     * a writer produces; the outermost value is depth 1. RTMP commands nest two or three levels;
     * the limit keeps a hostile peer from exhausting the stack with recursive decoding, and
     * makes a writer given a cyclic structure fail instead of looping.
     */
    public static final int MAX_DEPTH = 64;

    /**
     * How much bigger than its encoding references (AMF0 0x07, AMF3 string, object and traits
     * references) may make a decoded value, counted in values plus string characters, for one
     * read. A reference repeats a value already read for three bytes or less, so without a bound
     * a kilobyte of references doubling at every level decodes to a graph that prints, hashes or
     * is written back (as a publisher's metadata is, to every player) to 2^60 values; the same
     * holds for one long string referenced thousands of times. RTMP clients reference little or
     * nothing; real values stay far below this. At 1 Mi, 1.2 kB of references still cost 100 MB
     * of garbage to print (found by Amf0ReaderFuzzTest); at 64 Ki the written value stays under
     * about 600 kB. References also count for {@link #MAX_DEPTH}.
     */
    public static final int MAX_REFERENCE_EXPANSION = 1 << 16;

    private Amf() {
    }

    /**
     * Builds an insertion-ordered anonymous object from alternating keys and values, e.g.
     * {@code Amf.object("level", "status", "code", "NetStream.Play.Start")}.
     *
     * @throws IllegalArgumentException on an odd argument count or a key that is not a String
     */
    public static Map<String, Object> object(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        putAll(map, keyValues);
        return map;
    }

    static void putAll(Map<String, Object> target, Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate, got " + keyValues.length + " arguments");
        }
        for (int i = 0; i < keyValues.length; i += 2) {
            if (!(keyValues[i] instanceof String key)) {
                throw new IllegalArgumentException("key at argument " + i + " is not a String: " + keyValues[i]);
            }
            target.put(key, keyValues[i + 1]);
        }
    }
}
