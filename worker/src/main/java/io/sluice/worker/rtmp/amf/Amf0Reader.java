package io.sluice.worker.rtmp.amf;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.sluice.worker.rtmp.amf.Amf0Markers.*;

/**
 * Reads AMF0 values (AMF0 specification, Adobe, 2007) from RTMP command (type 20) and data
 * (type 18) message bodies.
 *
 * <p>Stateless facade: each {@link #read} or {@link #readAll} call has its own AMF0 reference
 * table (spec 2.9), shared by all values of a {@code readAll} call as Red5 does for one
 * message. Each avmplus-object marker (0x11) switches that one value to AMF3 with fresh AMF3
 * reference tables (AMF0 spec 3.1).
 *
 * <p>For AMF3 command/data messages (types 17/15) the body starts with one format byte (0x00)
 * that the caller skips; the rest is AMF0 whose values may switch to AMF3 through 0x11.
 *
 * <p>On malformed input an {@link AmfException} names the marker, the offset and the reason,
 * and the buffer's reader index is restored to where the call started.
 */
public final class Amf0Reader {

    /** Placeholder in the reference table while a complex value is still being read. */
    private static final Object IN_PROGRESS = new Object();

    /** Complex values in the order they started (spec 2.9): objects, typed objects, arrays. */
    private final List<Object> references = new ArrayList<>();
    /** Whether a reference was resolved, here or in an AMF3 value: then the result is checked by {@link AmfExpansion}. */
    private boolean referenced;

    private Amf0Reader() {
    }

    /** Reads one value; the reader index moves past it. */
    public static Object read(ByteBuf in) {
        int start = in.readerIndex();
        try {
            Amf0Reader reader = new Amf0Reader();
            Object value = reader.value(in, 1);
            if (reader.referenced) {
                AmfExpansion.check(Collections.singletonList(value), in.readerIndex() - start, "AMF0 value", start);
            }
            return value;
        } catch (AmfException e) {
            in.readerIndex(start);
            throw e;
        }
    }

    /** Reads values until the buffer has no readable bytes left, e.g. a whole command body. */
    public static List<Object> readAll(ByteBuf in) {
        int start = in.readerIndex();
        try {
            Amf0Reader reader = new Amf0Reader();
            List<Object> values = new ArrayList<>();
            while (in.isReadable()) {
                values.add(reader.value(in, 1));
            }
            if (reader.referenced) {
                AmfExpansion.check(values, in.readerIndex() - start, "AMF0 values", start);
            }
            return values;
        } catch (AmfException e) {
            in.readerIndex(start);
            throw e;
        }
    }

    /** Reads one value nested {@code depth} levels deep (the outermost value is depth 1). */
    private Object value(ByteBuf in, int depth) {
        int at = in.readerIndex();
        int marker = AmfBytes.readUnsignedByte(in, "AMF0 value marker");
        String what = describe(marker);
        return switch (marker) {
            case NUMBER -> AmfBytes.readDouble(in, what);
            case BOOLEAN -> AmfBytes.readUnsignedByte(in, what) != 0;
            case STRING -> AmfBytes.readUtf8(in, AmfBytes.readUnsignedShort(in, what), what);
            case LONG_STRING -> AmfBytes.readUtf8(in, AmfBytes.readUnsignedInt(in, what), what);
            case OBJECT -> object(in, depth, at, new LinkedHashMap<>());
            case ECMA_ARRAY -> ecmaArray(in, depth, at);
            case TYPED_OBJECT -> typedObject(in, depth, at);
            case STRICT_ARRAY -> strictArray(in, depth, at);
            case NULL -> null;
            case UNDEFINED -> AmfUndefined.INSTANCE;
            // Spec 2.15: "unsupported" stands for a value the sender could not serialize.
            case UNSUPPORTED -> AmfUndefined.INSTANCE;
            case REFERENCE -> reference(in, at);
            case DATE -> date(in);
            case XML_DOCUMENT -> new AmfXml(AmfBytes.readUtf8(in, AmfBytes.readUnsignedInt(in, what), what));
            case AVMPLUS -> amf3(in, depth);
            case MOVIECLIP, RECORDSET -> throw new AmfException(what, at, "reserved marker, not supported (AMF0 spec 2.1)");
            case OBJECT_END -> throw new AmfException(what, at, "object-end marker outside an object");
            default -> throw new AmfException(what, at, "unknown AMF0 type marker");
        };
    }

    /** One value in AMF3 (AMF0 spec 3.1), with fresh AMF3 reference tables. */
    private Object amf3(ByteBuf in, int depth) {
        Amf3Reader reader = new Amf3Reader();
        Object value = reader.value(in, depth);
        referenced |= reader.referenced();
        return value;
    }

    /** Reads the properties of an object (0x03) into {@code target}. */
    private Object object(ByteBuf in, int depth, int at, Map<String, Object> target) {
        checkDepth(depth, OBJECT, at);
        int index = reserve();
        properties(in, depth, target, describe(OBJECT));
        references.set(index, target);
        return target;
    }

    /**
     * ECMA array (0x08): a U32 count, then properties up to the object end like an object.
     * The count is ignored: some encoders write 0 or a stale count, and ffmpeg and SRS read
     * until the object-end marker instead, so do we.
     */
    private Object ecmaArray(ByteBuf in, int depth, int at) {
        AmfBytes.readUnsignedInt(in, describe(ECMA_ARRAY) + " count");
        checkDepth(depth, ECMA_ARRAY, at);
        int index = reserve();
        EcmaArray array = new EcmaArray();
        properties(in, depth, array, describe(ECMA_ARRAY));
        references.set(index, array);
        return array;
    }

    private Object typedObject(ByteBuf in, int depth, int at) {
        String what = describe(TYPED_OBJECT);
        String className = AmfBytes.readUtf8(in, AmfBytes.readUnsignedShort(in, what + " class name"), what + " class name");
        if (className.isEmpty()) {
            throw new AmfException(what, at, "empty class name");
        }
        checkDepth(depth, TYPED_OBJECT, at);
        int index = reserve();
        Map<String, Object> props = new LinkedHashMap<>();
        properties(in, depth, props, what);
        AmfTypedObject typed = new AmfTypedObject(className, props);
        references.set(index, typed);
        return typed;
    }

    private Object strictArray(ByteBuf in, int depth, int at) {
        String what = describe(STRICT_ARRAY);
        long count = AmfBytes.readUnsignedInt(in, what + " count");
        AmfBytes.requireElements(in, count, 1, what);
        checkDepth(depth, STRICT_ARRAY, at);
        int index = reserve();
        List<Object> list = new ArrayList<>((int) Math.min(count, 16));
        for (long i = 0; i < count; i++) {
            list.add(value(in, depth + 1));
        }
        references.set(index, list);
        return list;
    }

    /**
     * Properties of an object, ECMA array or typed object: UTF-8 name (U16 length) then value,
     * ended by an empty name followed by the object-end marker, i.e. exactly 00 00 09 (spec
     * 2.5, 2.11). An empty name followed by any other marker is a property named "", as SRS
     * reads it; a 0x09 after a non-empty name is an error.
     */
    private void properties(ByteBuf in, int depth, Map<String, Object> target, String what) {
        while (true) {
            int nameLength = AmfBytes.readUnsignedShort(in, what + " property name (missing object end?)");
            if (nameLength == 0 && in.isReadable() && in.getUnsignedByte(in.readerIndex()) == OBJECT_END) {
                in.skipBytes(1);
                return;
            }
            String name = AmfBytes.readUtf8(in, nameLength, what + " property name");
            if (!in.isReadable()) {
                throw new AmfException(what, in.readerIndex(), name.isEmpty()
                        ? "truncated, missing object-end marker 0x09"
                        : "truncated, no value after property '" + name + "'");
            }
            if (in.getUnsignedByte(in.readerIndex()) == OBJECT_END) {
                throw new AmfException(what, in.readerIndex(), "object-end marker after non-empty property name '"
                        + name + "'");
            }
            target.put(name, value(in, depth + 1));
        }
    }

    /** Reference (0x07): U16 index into the table of complex values read so far (spec 2.9). */
    private Object reference(ByteBuf in, int at) {
        String what = describe(REFERENCE);
        int index = AmfBytes.readUnsignedShort(in, what);
        if (index >= references.size()) {
            throw new AmfException(what, at, "index " + index + " out of range, " + references.size()
                    + " complex values read so far");
        }
        Object target = references.get(index);
        if (target == IN_PROGRESS) {
            throw new AmfException(what, at, "index " + index + " refers to a value still being read; "
                    + "cyclic values are not supported");
        }
        referenced = true;
        return target;
    }

    /** Date (0x0B): milliseconds as a double, then the S16 time-zone field (spec 2.13). */
    private static Object date(ByteBuf in) {
        String what = describe(DATE);
        AmfBytes.require(in, 10, what);
        double millis = in.readDouble();
        return new AmfDate(millis, in.readShort());
    }

    private int reserve() {
        references.add(IN_PROGRESS);
        return references.size() - 1;
    }

    private static void checkDepth(int depth, int marker, int at) {
        if (depth > Amf.MAX_DEPTH) {
            throw AmfBytes.tooDeep(describe(marker), at);
        }
    }
}
