package io.sluice.worker.rtmp.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.List;
import java.util.Map;

import static io.sluice.worker.rtmp.amf.Amf0Markers.*;

/**
 * Writes AMF0 values (AMF0 specification, Adobe, 2007) for RTMP command (type 20) and data
 * (type 18) messages.
 *
 * <p>Java to AMF0: {@code null} to null (0x05); {@link AmfUndefined} to undefined (0x06);
 * {@code Boolean}; any {@code Number} to number (0x00, a double); {@code String} to string
 * (0x02), or long string (0x0C) past 65535 UTF-8 bytes; {@link EcmaArray} to ECMA array (0x08);
 * a {@code Map} with only String keys to an anonymous object (0x03); {@code List} to strict
 * array (0x0A); {@link AmfDate} (0x0B); {@link AmfXml} to xml-document (0x0F);
 * {@link AmfTypedObject} (0x10). Values AMF0 cannot carry ({@code byte[]}, {@link Amf3Array},
 * maps with non-String keys) are written as an avmplus-object (0x11) holding the AMF3 value.
 *
 * <p>No references (0x07) are written: ffmpeg and librtmp do not read them. A cyclic value
 * therefore hits {@link Amf#MAX_DEPTH}. Errors are {@link AmfException}s; the buffer then holds
 * a partial value.
 */
public final class Amf0Writer {

    private static final int MAX_SHORT_STRING = 0xFFFF;

    private Amf0Writer() {
    }

    /** Writes one value at the buffer's writer index. */
    public static void write(ByteBuf out, Object value) {
        value(out, value, 1);
    }

    /** Writes the values one after another, e.g. a command: name, transaction id, arguments. */
    public static void writeAll(ByteBuf out, Object... values) {
        for (Object value : values) {
            value(out, value, 1);
        }
    }

    private static void value(ByteBuf out, Object value, int depth) {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value == AmfUndefined.INSTANCE) {
            out.writeByte(UNDEFINED);
        } else if (value instanceof Boolean b) {
            out.writeByte(BOOLEAN).writeByte(b ? 1 : 0);
        } else if (value instanceof Number n) {
            out.writeByte(NUMBER).writeDouble(n.doubleValue());
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof AmfDate date) {
            date(out, date);
        } else if (value instanceof AmfXml xml) {
            int length = ByteBufUtil.utf8Bytes(xml.xml());
            out.writeByte(XML_DOCUMENT).writeInt(length);
            AmfBytes.writeUtf8(out, xml.xml(), length);
        } else if (value instanceof EcmaArray ecma) {
            checkDepth(out, depth, ECMA_ARRAY);
            out.writeByte(ECMA_ARRAY).writeInt(ecma.size());
            properties(out, ecma, depth, ECMA_ARRAY);
        } else if (value instanceof AmfTypedObject typed) {
            checkDepth(out, depth, TYPED_OBJECT);
            out.writeByte(TYPED_OBJECT);
            name(out, typed.className(), TYPED_OBJECT);
            properties(out, typed.properties(), depth, TYPED_OBJECT);
        } else if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(k -> k instanceof String)) {
            checkDepth(out, depth, OBJECT);
            out.writeByte(OBJECT);
            properties(out, map, depth, OBJECT);
        } else if (value instanceof List<?> list) {
            checkDepth(out, depth, STRICT_ARRAY);
            out.writeByte(STRICT_ARRAY).writeInt(list.size());
            for (Object item : list) {
                value(out, item, depth + 1);
            }
        } else if (value instanceof byte[] || value instanceof Amf3Array || value instanceof Map) {
            // AMF0 spec 3.1: switch to AMF3 for this one value, with fresh AMF3 tables.
            out.writeByte(AVMPLUS);
            new Amf3Writer().value(out, value, depth);
        } else {
            throw new AmfException("AMF0 value", out.writerIndex(),
                    "no AMF0 encoding for Java type " + value.getClass().getName());
        }
    }

    /** String (0x02) with a U16 length, or long string (0x0C) with a U32 length (spec 2.4, 2.14). */
    private static void string(ByteBuf out, String s) {
        int length = ByteBufUtil.utf8Bytes(s);
        if (length <= MAX_SHORT_STRING) {
            out.writeByte(STRING).writeShort(length);
        } else {
            out.writeByte(LONG_STRING).writeInt(length);
        }
        AmfBytes.writeUtf8(out, s, length);
    }

    /** Date (0x0B): milliseconds as a double, then the S16 time zone in minutes (spec 2.13). */
    private static void date(ByteBuf out, AmfDate date) {
        int tz = date.timezoneMinutes();
        if (tz < Short.MIN_VALUE || tz > Short.MAX_VALUE) {
            throw new AmfException(describe(DATE), out.writerIndex(), "time zone " + tz + " does not fit in S16");
        }
        out.writeByte(DATE).writeDouble(date.epochMillis()).writeShort(tz);
    }

    /** Name/value pairs, then the object end: empty name (00 00) and marker 0x09 (spec 2.11). */
    private static void properties(ByteBuf out, Map<?, ?> properties, int depth, int marker) {
        for (Map.Entry<?, ?> e : properties.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new AmfException(describe(marker), out.writerIndex(), "property name is not a String: " + e.getKey());
            }
            name(out, key, marker);
            value(out, e.getValue(), depth + 1);
        }
        out.writeShort(0).writeByte(OBJECT_END);
    }

    /** UTF-8 with a U16 length, as property and class names are (spec 1.3 UTF-8). */
    private static void name(ByteBuf out, String name, int marker) {
        int length = ByteBufUtil.utf8Bytes(name);
        if (length > MAX_SHORT_STRING) {
            throw new AmfException(describe(marker), out.writerIndex(), "name of " + length
                    + " UTF-8 bytes exceeds the U16 limit of " + MAX_SHORT_STRING);
        }
        out.writeShort(length);
        AmfBytes.writeUtf8(out, name, length);
    }

    private static void checkDepth(ByteBuf out, int depth, int marker) {
        if (depth > Amf.MAX_DEPTH) {
            throw AmfBytes.tooDeep(describe(marker), out.writerIndex());
        }
    }
}
