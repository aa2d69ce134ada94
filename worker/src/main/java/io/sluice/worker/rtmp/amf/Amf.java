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
