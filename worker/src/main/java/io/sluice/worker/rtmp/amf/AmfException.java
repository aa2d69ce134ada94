package io.sluice.worker.rtmp.amf;

/**
 * An AMF value could not be read or written: malformed or truncated input, a limit exceeded,
 * or a Java value with no AMF encoding. The message names the AMF type (and marker byte), the
 * byte offset in the buffer where the problem was found, and the reason, e.g.
 * {@code "AMF0 string (0x02) at offset 17: truncated, needs 300 bytes but 12 are readable"}.
 */
public final class AmfException extends RuntimeException {

    private final int offset;

    /**
     * @param what   the AMF type or construct concerned, with its marker byte when known
     * @param offset the buffer index (reader index when reading, writer index when writing)
     * @param reason what is wrong, with the limit or value involved
     */
    public AmfException(String what, int offset, String reason) {
        super(what + " at offset " + offset + ": " + reason);
        this.offset = offset;
    }

    /** The buffer index where the problem was found. */
    public int offset() {
        return offset;
    }
}
