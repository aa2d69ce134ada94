package io.sluice.worker.rtmp.amf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An AMF3 array (0x09) that has an associative part (string keys) besides its dense part.
 * An AMF3 array with no associative part reads as a plain {@code List}. Both parts are copied
 * into unmodifiable collections that keep {@code null} elements and wire order.
 */
public record Amf3Array(Map<String, Object> associative, List<Object> dense) {
    public Amf3Array {
        associative = Collections.unmodifiableMap(new LinkedHashMap<>(associative));
        dense = Collections.unmodifiableList(new ArrayList<>(dense));
    }
}
