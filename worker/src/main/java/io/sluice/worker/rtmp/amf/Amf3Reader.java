package io.sluice.worker.rtmp.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.sluice.worker.rtmp.amf.Amf3Markers.*;

/**
 * Reads AMF3 values (AMF3 specification, Adobe, 2013).
 *
 * <p>An instance keeps the three AMF3 reference tables (spec 2.2): strings (non-empty inline
 * strings, including member and class names), objects (everything from xml-doc, date, array,
 * object, xml, byte-array, vectors and dictionary), and traits. Use one instance per AMF3
 * context; {@link Amf0Reader} makes a new one for each avmplus-object value.
 *
 * <p>Value mapping: integer to {@code Integer}; double to {@code Double}; xml-doc and xml to
 * {@link AmfXml}; date to {@link AmfDate} (time zone 0); array to {@code List}, or
 * {@link Amf3Array} when it has an associative part; object to {@code Map} when anonymous,
 * else {@link AmfTypedObject}; byte-array to {@code byte[]}; vector-int to
 * {@code List<Integer>}, vector-uint to {@code List<Long>}, vector-double to
 * {@code List<Double>}, vector-object to {@code List<Object>}; dictionary to
 * {@code Map<Object, Object>}. Externalizable objects cannot be read without the sender's
 * class code and are refused.
 *
 * <p>On malformed input an {@link AmfException} names the marker, the offset and the reason,
 * and the buffer's reader index is restored to where the call started. The reference tables
 * may then hold entries of the broken value: drop the reader with the message. Not thread-safe.
 */
public final class Amf3Reader {

    /** Longest class or member name, in UTF-8 bytes: what AMF0 can write back (a U16 length). */
    static final int MAX_NAME_BYTES = 0xFFFF;

    /** Placeholder in the object table while a value is still being read. */
    private static final Object IN_PROGRESS = new Object();

    private record Traits(String className, List<String> sealed, boolean dynamic) {
    }

    private final List<String> strings = new ArrayList<>();
    private final List<Object> objects = new ArrayList<>();
    private final List<Traits> traits = new ArrayList<>();
    /** Whether a string, object or traits reference was resolved: see {@link AmfExpansion}. */
    private boolean referenced;

    public Amf3Reader() {
    }

    /** Reads one value; the reader index moves past it. */
    public Object read(ByteBuf in) {
        int start = in.readerIndex();
        try {
            boolean referencedBefore = referenced;
            referenced = false;
            Object value = value(in, 1);
            if (referenced) {
                AmfExpansion.check(Collections.singletonList(value), in.readerIndex() - start, "AMF3 value", start);
            }
            referenced |= referencedBefore;
            return value;
        } catch (AmfException e) {
            in.readerIndex(start);
            throw e;
        }
    }

    /** Whether this reader has resolved a reference; {@link Amf0Reader} then checks what it read. */
    boolean referenced() {
        return referenced;
    }

    /** Reads one value nested {@code depth} levels deep (the outermost value is depth 1). */
    Object value(ByteBuf in, int depth) {
        int at = in.readerIndex();
        int marker = AmfBytes.readUnsignedByte(in, "AMF3 value marker");
        return switch (marker) {
            case UNDEFINED -> AmfUndefined.INSTANCE;
            case NULL -> null;
            case FALSE -> Boolean.FALSE;
            case TRUE -> Boolean.TRUE;
            // Spec 1.3.1: a U29 holding a 29-bit two's complement integer; sign-extend bit 28.
            case INTEGER -> (readU29(in, describe(INTEGER)) << 3) >> 3;
            case DOUBLE -> AmfBytes.readDouble(in, describe(DOUBLE));
            case STRING -> string(in, describe(STRING));
            case XML_DOC, XML -> xml(in, marker, at);
            case DATE -> date(in, at);
            case ARRAY -> array(in, depth, at);
            case OBJECT -> object(in, depth, at);
            case BYTE_ARRAY -> byteArray(in, at);
            case VECTOR_INT, VECTOR_UINT, VECTOR_DOUBLE -> numberVector(in, marker, at);
            case VECTOR_OBJECT -> objectVector(in, depth, at);
            case DICTIONARY -> dictionary(in, depth, at);
            default -> throw new AmfException(describe(marker), at, "unknown AMF3 type marker");
        };
    }

    /**
     * U29 (spec 1.3.1): 1 to 4 bytes, big-endian; the first three carry 7 bits each with the
     * high bit meaning "another byte follows", the fourth carries 8 bits.
     */
    private static int readU29(ByteBuf in, String what) {
        int result = 0;
        for (int i = 0; i < 3; i++) {
            int b = AmfBytes.readUnsignedByte(in, what);
            if ((b & 0x80) == 0) {
                return result | b;
            }
            result = (result | (b & 0x7F)) << 7;
        }
        return (result << 1) | AmfBytes.readUnsignedByte(in, what);
    }

    /**
     * UTF-8-vr (spec 1.3.2): a U29 whose low bit 1 means an inline length follows, 0 a string
     * reference. The empty string is never entered in the table (spec 3.8).
     */
    private String string(ByteBuf in, String what) {
        int at = in.readerIndex();
        int header = readU29(in, what);
        if ((header & 1) == 0) {
            int index = header >>> 1;
            if (index >= strings.size()) {
                throw new AmfException(what, at, "string reference " + index + " out of range, "
                        + strings.size() + " strings read so far");
            }
            referenced = true;
            return strings.get(index);
        }
        String s = AmfBytes.readUtf8(in, header >>> 1, what);
        if (!s.isEmpty()) {
            strings.add(s);
        }
        return s;
    }

    /**
     * A class or member name. Objects are written back in AMF0 where they can (as a publisher's
     * metadata is, to every player), and AMF0 names have a U16 length: a longer one could be read
     * but not written, so it is refused here.
     */
    private String name(ByteBuf in, String what) {
        int at = in.readerIndex();
        String name = string(in, what);
        checkNameLength(name, what, at);
        return name;
    }

    private static void checkNameLength(String name, String what, int at) {
        // A UTF-8 byte takes at most a third of a char: short names need no counting.
        if (name.length() > MAX_NAME_BYTES / 3 && ByteBufUtil.utf8Bytes(name) > MAX_NAME_BYTES) {
            throw new AmfException(what, at, "name of " + ByteBufUtil.utf8Bytes(name)
                    + " UTF-8 bytes, more than an AMF0 name can hold (" + MAX_NAME_BYTES + ")");
        }
    }

    private Object objectReference(int header, String what, int at) {
        int index = header >>> 1;
        if (index >= objects.size()) {
            throw new AmfException(what, at, "object reference " + index + " out of range, "
                    + objects.size() + " objects read so far");
        }
        Object target = objects.get(index);
        if (target == IN_PROGRESS) {
            throw new AmfException(what, at, "object reference " + index
                    + " refers to a value still being read; cyclic values are not supported");
        }
        referenced = true;
        return target;
    }

    /** xml-doc (0x07) and xml (0x0B), spec 3.9 and 3.13: U29X length, UTF-8. */
    private Object xml(ByteBuf in, int marker, int at) {
        String what = describe(marker);
        int header = readU29(in, what);
        if ((header & 1) == 0) {
            return objectReference(header, what, at);
        }
        AmfXml xml = new AmfXml(AmfBytes.readUtf8(in, header >>> 1, what));
        objects.add(xml);
        return xml;
    }

    /** Date (0x08), spec 3.10: U29D flag (remaining bits unused), then milliseconds as double. */
    private Object date(ByteBuf in, int at) {
        String what = describe(DATE);
        int header = readU29(in, what);
        if ((header & 1) == 0) {
            return objectReference(header, what, at);
        }
        AmfDate date = new AmfDate(AmfBytes.readDouble(in, what), 0);
        objects.add(date);
        return date;
    }

    /**
     * Array (0x09), spec 3.11: U29A dense count, associative name/value pairs up to the empty
     * name, then the dense values.
     */
    private Object array(ByteBuf in, int depth, int at) {
        String what = describe(ARRAY);
        int header = readU29(in, what);
        if ((header & 1) == 0) {
            return objectReference(header, what, at);
        }
        checkDepth(depth, ARRAY, at);
        int index = reserve();
        Map<String, Object> associative = new LinkedHashMap<>();
        for (String key = string(in, what + " key"); !key.isEmpty(); key = string(in, what + " key")) {
            associative.put(key, value(in, depth + 1));
        }
        int count = header >>> 1;
        AmfBytes.requireElements(in, count, 1, what);
        List<Object> dense = new ArrayList<>(Math.min(count, 16));
        for (int i = 0; i < count; i++) {
            dense.add(value(in, depth + 1));
        }
        Object array = associative.isEmpty() ? dense : new Amf3Array(associative, dense);
        objects.set(index, array);
        return array;
    }

    /**
     * Object (0x0A), spec 3.12: U29O header that is an object reference (low bit 0), a traits
     * reference (low bits 01), externalizable traits (111) or inline traits (011 plus the
     * dynamic flag in bit 3 and the sealed member count above it). Then the sealed values in
     * trait order and, if dynamic, name/value pairs up to the empty name.
     */
    private Object object(ByteBuf in, int depth, int at) {
        String what = describe(OBJECT);
        int header = readU29(in, what);
        if ((header & 1) == 0) {
            return objectReference(header, what, at);
        }
        Traits t = traits(in, header, what, at);
        checkDepth(depth, OBJECT, at);
        int index = reserve();
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String name : t.sealed()) {
            properties.put(name, value(in, depth + 1));
        }
        if (t.dynamic()) {
            for (String name = name(in, what + " member name"); !name.isEmpty(); name = name(in, what + " member name")) {
                properties.put(name, value(in, depth + 1));
            }
        }
        Object object = t.className().isEmpty() ? properties : new AmfTypedObject(t.className(), properties);
        objects.set(index, object);
        return object;
    }

    private Traits traits(ByteBuf in, int header, String what, int at) {
        if ((header & 2) == 0) {
            int index = header >>> 2;
            if (index >= traits.size()) {
                throw new AmfException(what, at, "traits reference " + index + " out of range, "
                        + traits.size() + " traits read so far");
            }
            referenced = true;
            return traits.get(index);
        }
        String className = name(in, what + " class name");
        if ((header & 4) != 0) {
            throw new AmfException(what, at, "externalizable class '" + className
                    + "' cannot be read: its encoding is defined by the sender's own code");
        }
        int sealedCount = header >>> 4;
        AmfBytes.requireElements(in, sealedCount, 1, what + " sealed member names");
        List<String> sealed = new ArrayList<>(Math.min(sealedCount, 16));
        for (int i = 0; i < sealedCount; i++) {
            String name = name(in, what + " sealed member name");
            if (name.isEmpty()) {
                // ActionScript members have names, and an object with an empty member name cannot
                // be written back: in AMF3 the empty name ends the dynamic members (found by
                // Amf0ReaderFuzzTest, the metadata of such a publisher failed in Amf3Writer).
                throw new AmfException(what, at, "sealed member " + i + " of class '" + className
                        + "' has an empty name");
            }
            sealed.add(name);
        }
        Traits t = new Traits(className, List.copyOf(sealed), (header & 8) != 0);
        traits.add(t);
        return t;
    }

    /** ByteArray (0x0C), spec 3.14: U29B length, raw bytes. */
    private Object byteArray(ByteBuf in, int at) {
        String what = describe(BYTE_ARRAY);
        int header = readU29(in, what);
        if ((header & 1) == 0) {
            return objectReference(header, what, at);
        }
        int length = header >>> 1;
        AmfBytes.require(in, length, what);
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        objects.add(bytes);
        return bytes;
    }

    /** Vector of int, uint or Number (spec 3.15): U29V count, fixed flag, 4- or 8-byte items. */
    private Object numberVector(ByteBuf in, int marker, int at) {
        String what = describe(marker);
        int header = readU29(in, what);
        if ((header & 1) == 0) {
            return objectReference(header, what, at);
        }
        int count = header >>> 1;
        AmfBytes.readUnsignedByte(in, what + " fixed flag");
        int itemSize = marker == VECTOR_DOUBLE ? 8 : 4;
        AmfBytes.requireElements(in, count, itemSize, what);
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(switch (marker) {
                case VECTOR_INT -> in.readInt();
                case VECTOR_UINT -> in.readUnsignedInt();
                default -> in.readDouble();
            });
        }
        objects.add(items);
        return items;
    }

    /** Vector of objects (0x10), spec 3.15: count, fixed flag, element type name, values. */
    private Object objectVector(ByteBuf in, int depth, int at) {
        String what = describe(VECTOR_OBJECT);
        int header = readU29(in, what);
        if ((header & 1) == 0) {
            return objectReference(header, what, at);
        }
        int count = header >>> 1;
        AmfBytes.readUnsignedByte(in, what + " fixed flag");
        string(in, what + " element type name");
        AmfBytes.requireElements(in, count, 1, what);
        checkDepth(depth, VECTOR_OBJECT, at);
        int index = reserve();
        List<Object> items = new ArrayList<>(Math.min(count, 16));
        for (int i = 0; i < count; i++) {
            items.add(value(in, depth + 1));
        }
        objects.set(index, items);
        return items;
    }

    /**
     * Dictionary (0x11), spec 3.16: U29Dict entry count, weak-keys flag, key/value pairs.
     * AS3 compares object keys by identity but Java maps hash by content, so keys that are
     * objects, arrays or dictionaries are refused: hashing a shared, deeply nested key could
     * take exponential time. So is the empty string key (see below). RTMP traffic does not use
     * dictionaries.
     */
    private Object dictionary(ByteBuf in, int depth, int at) {
        String what = describe(DICTIONARY);
        int header = readU29(in, what);
        if ((header & 1) == 0) {
            return objectReference(header, what, at);
        }
        int count = header >>> 1;
        AmfBytes.readUnsignedByte(in, what + " weak-keys flag");
        AmfBytes.requireElements(in, count, 2, what);
        checkDepth(depth, DICTIONARY, at);
        int index = reserve();
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int keyAt = in.readerIndex();
            Object key = value(in, depth + 1);
            if (key instanceof Map || key instanceof List || key instanceof Amf3Array || key instanceof AmfTypedObject) {
                throw new AmfException(what, keyAt, "key of type " + key.getClass().getSimpleName()
                        + " not supported, only scalar keys");
            }
            if (key instanceof String name) {
                checkNameLength(name, what + " key", keyAt);
            }
            if ("".equals(key)) {
                // A dictionary whose keys are all strings reads as a map like an object, and is
                // written back as one, where the empty name would end the members (found by
                // Amf3ReaderFuzzTest: a publisher's metadata holding one failed in Amf3Writer).
                throw new AmfException(what, keyAt, "empty string key not supported");
            }
            map.put(key, value(in, depth + 1));
        }
        objects.set(index, map);
        return map;
    }

    private int reserve() {
        objects.add(IN_PROGRESS);
        return objects.size() - 1;
    }

    private static void checkDepth(int depth, int marker, int at) {
        if (depth > Amf.MAX_DEPTH) {
            throw AmfBytes.tooDeep(describe(marker), at);
        }
    }
}
