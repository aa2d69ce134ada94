package io.sluice.worker.rtmp.amf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An object with a registered class name: AMF0 typed object (0x10), or an AMF3 object whose
 * traits name a class (sealed members first, then dynamic ones, in wire order). Objects with
 * an empty class name are plain {@code Map}s instead.
 *
 * <p>The properties are copied into an unmodifiable insertion-ordered map; values may be
 * {@code null}.
 */
public record AmfTypedObject(String className, Map<String, Object> properties) {
    public AmfTypedObject {
        Objects.requireNonNull(className, "className");
        if (className.isEmpty()) {
            throw new IllegalArgumentException("className is empty: use a Map for anonymous objects");
        }
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }
}
