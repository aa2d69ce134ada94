package io.sluice.worker.rtmp.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static io.sluice.worker.rtmp.amf.Amf3Markers.*;

/**
 * Writes AMF3 values (AMF3 specification, Adobe, 2013), keeping the string, object and traits
 * reference tables of one AMF3 context: a repeated non-empty string, a value written again
 * (same instance) and a repeated object shape are sent as references, as Flash Player does.
 *
 * <p>Java to AMF3: {@code null} to null; {@link AmfUndefined}; {@code Boolean}; {@code Integer},
 * {@code Short} and {@code Byte} within [-2^28, 2^28 - 1] to integer, every other
 * {@code Number} to double; {@code String}; {@link AmfXml} to xml-doc; {@link AmfDate} (time
 * zone dropped); {@code List} to a dense array; {@link Amf3Array}, and {@link EcmaArray}, to an
 * array with an associative part; a {@code Map} with only String keys to an anonymous dynamic
 * object, any other {@code Map} to a dictionary; {@link AmfTypedObject} to an object with sealed
 * traits; {@code byte[]} to byte-array. Anything else, a cyclic value, or a name that AMF3
 * cannot carry, is an {@link AmfException}; the buffer then holds a partial value. Not
 * thread-safe: one instance per AMF3 context.
 */
public final class Amf3Writer {

    private record TraitsKey(String className, List<String> sealed, boolean dynamic) {
    }

    private static final TraitsKey ANONYMOUS = new TraitsKey("", List.of(), true);

    private final Map<String, Integer> strings = new HashMap<>();
    private final Map<Object, Integer> objects = new IdentityHashMap<>();
    private final Map<TraitsKey, Integer> traits = new HashMap<>();
    /** Values whose members are being written: referring to one would make a cycle. */
    private final Map<Object, Boolean> inProgress = new IdentityHashMap<>();

    public Amf3Writer() {
    }

    /** Writes one value at the buffer's writer index. */
    public void write(ByteBuf out, Object value) {
        value(out, value, 1);
    }

    /** Writes one value nested {@code depth} levels deep (the outermost value is depth 1). */
    void value(ByteBuf out, Object value, int depth) {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value == AmfUndefined.INSTANCE) {
            out.writeByte(UNDEFINED);
        } else if (value instanceof Boolean b) {
            out.writeByte(b ? TRUE : FALSE);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            int i = ((Number) value).intValue();
            if (i >= INT_MIN && i <= INT_MAX) {
                out.writeByte(INTEGER);
                writeU29(out, i & 0x1FFFFFFF);
            } else {
                out.writeByte(DOUBLE).writeDouble(i);
            }
        } else if (value instanceof Number n) {
            out.writeByte(DOUBLE).writeDouble(n.doubleValue());
        } else if (value instanceof String s) {
            out.writeByte(STRING);
            string(out, s);
        } else if (reference(out, value)) {
            return;
        } else if (value instanceof AmfXml xml) {
            out.writeByte(XML_DOC);
            objects.put(value, objects.size());
            inlineUtf8(out, xml.xml(), describe(XML_DOC));
        } else if (value instanceof AmfDate date) {
            out.writeByte(DATE);
            objects.put(value, objects.size());
            writeU29(out, 1);
            out.writeDouble(date.epochMillis());
        } else if (value instanceof byte[] bytes) {
            out.writeByte(BYTE_ARRAY);
            objects.put(value, objects.size());
            writeU29(out, length(out, bytes.length, describe(BYTE_ARRAY)) << 1 | 1);
            out.writeBytes(bytes);
        } else if (value instanceof List<?> list) {
            array(out, value, Map.of(), list, depth);
        } else if (value instanceof Amf3Array array) {
            array(out, value, array.associative(), array.dense(), depth);
        } else if (value instanceof EcmaArray ecma) {
            array(out, value, ecma, List.of(), depth);
        } else if (value instanceof AmfTypedObject typed) {
            List<String> sealed = new ArrayList<>(typed.properties().keySet());
            if (sealed.contains(null)) {
                throw new AmfException(describe(OBJECT), out.writerIndex(), "typed object '" + typed.className()
                        + "' has a null member name");
            }
            object(out, value, new TraitsKey(typed.className(), List.copyOf(sealed), false), typed.properties(), depth);
        } else if (value instanceof Map<?, ?> map) {
            if (map.keySet().stream().allMatch(k -> k instanceof String)) {
                object(out, value, ANONYMOUS, map, depth);
            } else {
                dictionary(out, map, depth);
            }
        } else {
            throw new AmfException("AMF3 value", out.writerIndex(),
                    "no AMF3 encoding for Java type " + value.getClass().getName());
        }
    }

    /** Writes an object reference if {@code value} was written before; refuses cycles. */
    private boolean reference(ByteBuf out, Object value) {
        if (inProgress.containsKey(value)) {
            throw new AmfException("AMF3 value", out.writerIndex(), "cyclic value: a "
                    + value.getClass().getSimpleName() + " contains itself");
        }
        Integer index = objects.get(value);
        if (index == null) {
            return false;
        }
        out.writeByte(markerOf(value));
        writeU29(out, index << 1);
        return true;
    }

    private static int markerOf(Object value) {
        if (value instanceof AmfXml) {
            return XML_DOC;
        } else if (value instanceof AmfDate) {
            return DATE;
        } else if (value instanceof byte[]) {
            return BYTE_ARRAY;
        } else if (value instanceof List || value instanceof Amf3Array || value instanceof EcmaArray) {
            return ARRAY;
        } else if (value instanceof Map<?, ?> map && !map.keySet().stream().allMatch(k -> k instanceof String)) {
            return DICTIONARY;
        }
        return OBJECT;
    }

    private void array(ByteBuf out, Object value, Map<?, ?> associative, List<?> dense, int depth) {
        String what = describe(ARRAY);
        checkDepth(out, depth, what);
        out.writeByte(ARRAY);
        objects.put(value, objects.size());
        inProgress.put(value, Boolean.TRUE);
        writeU29(out, length(out, dense.size(), what) << 1 | 1);
        for (Map.Entry<?, ?> e : associative.entrySet()) {
            memberName(out, e.getKey(), what);
            value(out, e.getValue(), depth + 1);
        }
        out.writeByte(0x01);
        for (Object item : dense) {
            value(out, item, depth + 1);
        }
        inProgress.remove(value);
    }

    private void object(ByteBuf out, Object value, TraitsKey key, Map<?, ?> members, int depth) {
        String what = describe(OBJECT);
        checkDepth(out, depth, what);
        out.writeByte(OBJECT);
        objects.put(value, objects.size());
        inProgress.put(value, Boolean.TRUE);
        Integer traitsIndex = traits.get(key);
        if (traitsIndex != null) {
            writeU29(out, traitsIndex << 2 | 0b01);
        } else {
            if (key.sealed().size() > (1 << 25) - 1) {
                throw new AmfException(what, out.writerIndex(), key.sealed().size() + " sealed members exceed the U29 limit");
            }
            writeU29(out, key.sealed().size() << 4 | (key.dynamic() ? 0b1000 : 0) | 0b011);
            string(out, key.className());
            for (String name : key.sealed()) {
                string(out, name);
            }
            traits.put(key, traits.size());
        }
        if (key.dynamic()) {
            for (Map.Entry<?, ?> e : members.entrySet()) {
                memberName(out, e.getKey(), what);
                value(out, e.getValue(), depth + 1);
            }
            out.writeByte(0x01);
        } else {
            for (Object member : members.values()) {
                value(out, member, depth + 1);
            }
        }
        inProgress.remove(value);
    }

    private void dictionary(ByteBuf out, Map<?, ?> map, int depth) {
        String what = describe(DICTIONARY);
        checkDepth(out, depth, what);
        out.writeByte(DICTIONARY);
        objects.put(map, objects.size());
        inProgress.put(map, Boolean.TRUE);
        writeU29(out, length(out, map.size(), what) << 1 | 1);
        out.writeByte(0x00); // weak keys: no
        for (Map.Entry<?, ?> e : map.entrySet()) {
            value(out, e.getKey(), depth + 1);
            value(out, e.getValue(), depth + 1);
        }
        inProgress.remove(map);
    }

    /** A dynamic member or associative key: the empty name would end the list (spec 3.11). */
    private void memberName(ByteBuf out, Object name, String what) {
        if (!(name instanceof String s) || s.isEmpty()) {
            throw new AmfException(what, out.writerIndex(), "member name must be a non-empty String, got "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        string(out, s);
    }

    /** UTF-8-vr with the string table; the empty string is always inline (spec 3.8). */
    private void string(ByteBuf out, String s) {
        if (s.isEmpty()) {
            out.writeByte(0x01);
            return;
        }
        Integer index = strings.get(s);
        if (index != null) {
            writeU29(out, index << 1);
            return;
        }
        inlineUtf8(out, s, describe(STRING));
        strings.put(s, strings.size());
    }

    private static void inlineUtf8(ByteBuf out, String s, String what) {
        int length = ByteBufUtil.utf8Bytes(s);
        writeU29(out, length(out, length, what) << 1 | 1);
        AmfBytes.writeUtf8(out, s, length);
    }

    private static int length(ByteBuf out, int length, String what) {
        if (length > MAX_U28) {
            throw new AmfException(what, out.writerIndex(), "length " + length + " exceeds the U29 limit of " + MAX_U28);
        }
        return length;
    }

    private static void checkDepth(ByteBuf out, int depth, String what) {
        if (depth > Amf.MAX_DEPTH) {
            throw AmfBytes.tooDeep(what, out.writerIndex());
        }
    }

    /** U29 (spec 1.3.1) of the low 29 bits of {@code v}. */
    static void writeU29(ByteBuf out, int v) {
        v &= 0x1FFFFFFF;
        if (v < 0x80) {
            out.writeByte(v);
        } else if (v < 0x4000) {
            out.writeByte(v >> 7 | 0x80).writeByte(v & 0x7F);
        } else if (v < 0x200000) {
            out.writeByte(v >> 14 | 0x80).writeByte(v >> 7 & 0x7F | 0x80).writeByte(v & 0x7F);
        } else {
            out.writeByte(v >> 22 | 0x80).writeByte(v >> 15 & 0x7F | 0x80).writeByte(v >> 8 & 0x7F | 0x80)
                    .writeByte(v & 0xFF);
        }
    }
}
