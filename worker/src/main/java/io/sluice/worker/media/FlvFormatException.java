package io.sluice.worker.media;

import java.io.IOException;

/** An FLV file that does not follow the format; says where (byte offset in the file) and what. */
public final class FlvFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long offset;

    FlvFormatException(long offset, String problem) {
        super("bad FLV at offset " + offset + ": " + problem);
        this.offset = offset;
    }

    /** Byte offset from the start of the file of the field that is wrong or missing. */
    public long offset() {
        return offset;
    }
}
