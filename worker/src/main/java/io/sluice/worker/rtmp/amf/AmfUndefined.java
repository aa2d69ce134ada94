package io.sluice.worker.rtmp.amf;

/**
 * The ActionScript {@code undefined} value (AMF0 marker 0x06, AMF3 marker 0x00), kept apart
 * from {@code null} (AMF0 0x05, AMF3 0x01) because encoders use both. The AMF0 "unsupported"
 * marker (0x0D) is also read as this value.
 */
public enum AmfUndefined {
    INSTANCE
}
