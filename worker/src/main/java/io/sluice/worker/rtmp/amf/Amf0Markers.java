package io.sluice.worker.rtmp.amf;

/** AMF0 type markers (AMF0 specification, section 2.1). */
final class Amf0Markers {

    static final int NUMBER = 0x00;
    static final int BOOLEAN = 0x01;
    static final int STRING = 0x02;
    static final int OBJECT = 0x03;
    static final int MOVIECLIP = 0x04;
    static final int NULL = 0x05;
    static final int UNDEFINED = 0x06;
    static final int REFERENCE = 0x07;
    static final int ECMA_ARRAY = 0x08;
    static final int OBJECT_END = 0x09;
    static final int STRICT_ARRAY = 0x0A;
    static final int DATE = 0x0B;
    static final int LONG_STRING = 0x0C;
    static final int UNSUPPORTED = 0x0D;
    static final int RECORDSET = 0x0E;
    static final int XML_DOCUMENT = 0x0F;
    static final int TYPED_OBJECT = 0x10;
    static final int AVMPLUS = 0x11;

    private static final String[] NAMES = {
        "number", "boolean", "string", "object", "movieclip", "null", "undefined", "reference",
        "ecma-array", "object-end", "strict-array", "date", "long-string", "unsupported",
        "recordset", "xml-document", "typed-object", "avmplus-object",
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
                    ? "AMF0 " + NAMES[m] + " (" + AmfBytes.hex(m) + ")"
                    : "AMF0 marker " + AmfBytes.hex(m);
        }
    }

    private Amf0Markers() {
    }

    /** "AMF0 string (0x02)", or "AMF0 marker 0x42" for a byte that is no AMF0 marker. */
    static String describe(int marker) {
        return DESCRIPTIONS[marker & 0xff];
    }
}
