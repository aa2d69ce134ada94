package io.sluice.worker.rtmp.amf;

import java.util.Map;

/**
 * An AMF0 ECMA array (0x08): string keys to values, in wire order. It is a distinct type from
 * an anonymous object (0x03) so that values such as {@code onMetaData}, which encoders send as
 * an ECMA array, are written back the same way. The count the sender declares is not kept:
 * it is recomputed from {@link #size()} when writing (see {@link Amf0Reader} on wrong counts).
 */
public final class EcmaArray extends java.util.LinkedHashMap<String, Object> {

    public EcmaArray() {
    }

    public EcmaArray(Map<String, ?> entries) {
        super(entries);
    }

    /** Builds an ECMA array from alternating keys and values, like {@link Amf#object}. */
    public static EcmaArray of(Object... keyValues) {
        EcmaArray array = new EcmaArray();
        Amf.putAll(array, keyValues);
        return array;
    }
}
