package io.sluice.worker.rtmp.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Test helpers that keep every ByteBuf inside one method and release it there, so tests work
 * on plain byte arrays and cannot leak.
 */
final class AmfTestBytes {

    private AmfTestBytes() {
    }

    /**
     * Concatenates parts: an Integer is one byte, a String is its ASCII bytes, a byte[] is
     * copied, a Double is 8 bytes big-endian. Lengths stay hand-written in the tests.
     */
    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer b) {
                if (b < 0 || b > 0xFF) {
                    throw new IllegalArgumentException("not a byte: " + b);
                }
                out.write(b);
            } else if (part instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            } else if (part instanceof byte[] a) {
                out.writeBytes(a);
            } else if (part instanceof Double d) {
                long bits = Double.doubleToRawLongBits(d);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    out.write((int) (bits >>> shift) & 0xFF);
                }
            } else {
                throw new IllegalArgumentException("unsupported part " + part);
            }
        }
        return out.toByteArray();
    }

    /** Parses "0a 0b ff" (whitespace ignored). */
    static byte[] hex(String text) {
        return ByteBufUtil.decodeHexDump(text.replaceAll("\\s+", ""));
    }

    static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }

    static byte[] encode(Consumer<ByteBuf> writer) {
        ByteBuf out = Unpooled.buffer();
        try {
            writer.accept(out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    static <T> T decode(byte[] data, Function<ByteBuf, T> reader) {
        ByteBuf in = Unpooled.wrappedBuffer(data);
        try {
            return reader.apply(in);
        } finally {
            in.release();
        }
    }

    static byte[] amf0(Object... values) {
        return encode(out -> Amf0Writer.writeAll(out, values));
    }

    static byte[] amf3(Object... values) {
        return encode(out -> {
            Amf3Writer writer = new Amf3Writer();
            for (Object value : values) {
                writer.write(out, value);
            }
        });
    }

    static List<Object> readAmf0(byte[] data) {
        return decode(data, Amf0Reader::readAll);
    }

    /** Reads AMF3 values with one reader (one context) until the bytes are used up. */
    static List<Object> readAmf3(byte[] data) {
        return decode(data, in -> {
            Amf3Reader reader = new Amf3Reader();
            List<Object> values = new ArrayList<>();
            while (in.isReadable()) {
                values.add(reader.read(in));
            }
            return values;
        });
    }

    /**
     * Asserts that reading fails with an AmfException and that the reader index is back at
     * the start; returns the exception for message checks.
     */
    static AmfException amf0Error(byte[] data) {
        return decode(data, in -> {
            AmfException e = assertThrows(AmfException.class, () -> Amf0Reader.readAll(in));
            assertEquals(0, in.readerIndex(), "reader index restored after " + e.getMessage());
            return e;
        });
    }

    static AmfException amf3Error(byte[] data) {
        return decode(data, in -> {
            AmfException e = assertThrows(AmfException.class, () -> new Amf3Reader().read(in));
            assertEquals(0, in.readerIndex(), "reader index restored after " + e.getMessage());
            return e;
        });
    }
}
