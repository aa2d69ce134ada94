package io.sluice.worker.rtmp.amf;

/** AMF3 type markers (AMF3 specification, section 3.1). */
final class Amf3Markers {

    static final int UNDEFINED = 0x00;
    static final int NULL = 0x01;
    static final int FALSE = 0x02;
    static final int TRUE = 0x03;
    static final int INTEGER = 0x04;
    static final int DOUBLE = 0x05;
    static final int STRING = 0x06;
    static final int XML_DOC = 0x07;
    static final int DATE = 0x08;
    static final int ARRAY = 0x09;
    static final int OBJECT = 0x0A;
    static final int XML = 0x0B;
    static final int BYTE_ARRAY = 0x0C;
    static final int VECTOR_INT = 0x0D;
    static final int VECTOR_UINT = 0x0E;
    static final int VECTOR_DOUBLE = 0x0F;
    static final int VECTOR_OBJECT = 0x10;
    static final int DICTIONARY = 0x11;

    /** U29 values are 29-bit: integers in [-2^28, 2^28 - 1] travel as AMF3 integers. */
    static final int INT_MIN = -(1 << 28);
    static final int INT_MAX = (1 << 28) - 1;
    /** Largest length or count a U29 header can carry after its low flag bit. */
    static final int MAX_U28 = (1 << 28) - 1;

    private static final String[] NAMES = {
        "undefined", "null", "false", "true", "integer", "double", "string", "xml-doc", "date",
        "array", "object", "xml", "byte-array", "vector-int", "vector-uint", "vector-double",
        "vector-object", "dictionary",
    };

    /**
     * What {@link #describe} returns, one entry per byte value. Computed once: the readers name
     * the marker of every value they read (for the message of an exception they rarely throw),
     * and formatting it per value cost every command of every connection a String.format.
     */
    private static final String[] DESCRIPTIONS = new String[256];

    static {
        for (int m = 0; m < DESCRIPTIONS.length; m++) {
            DESCRIPTIONS[m] = m < NAMES.length
                    ? "AMF3 " + NAMES[m] + " (" + AmfBytes.hex(m) + ")"
                    : "AMF3 marker " + AmfBytes.hex(m);
        }
    }

    private Amf3Markers() {
    }

    /** "AMF3 object (0x0A)", or "AMF3 marker 0x42" for a byte that is no AMF3 marker. */
    static String describe(int marker) {
        return DESCRIPTIONS[marker & 0xff];
    }
}
