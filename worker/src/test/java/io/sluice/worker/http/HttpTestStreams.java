package io.sluice.worker.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.MediaFrame;
import io.sluice.worker.stream.Publisher;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test media and a reader for what an HTTP-FLV connection wrote. */
final class HttpTestStreams {

    private HttpTestStreams() {
    }

    static final Publisher PUBLISHER = new Publisher() {
        @Override
        public String origin() {
            return "test";
        }

        @Override
        public void close(String reason) {
        }
    };

    static void videoConfig(LiveStream s, long ts) {
        s.publishMedia(PUBLISHER, MediaFrame.Kind.VIDEO, ts, bytes(0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f));
    }

    static void keyframe(LiveStream s, long ts) {
        s.publishMedia(PUBLISHER, MediaFrame.Kind.VIDEO, ts, bytes(0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65));
    }

    static void interframe(LiveStream s, long ts) {
        s.publishMedia(PUBLISHER, MediaFrame.Kind.VIDEO, ts, bytes(0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41));
    }

    static void audioConfig(LiveStream s, long ts) {
        s.publishMedia(PUBLISHER, MediaFrame.Kind.AUDIO, ts, bytes(0xaf, 0, 0x12, 0x10));
    }

    static void audio(LiveStream s, long ts) {
        s.publishMedia(PUBLISHER, MediaFrame.Kind.AUDIO, ts, bytes(0xaf, 1, 0x21, 0x10));
    }

    static void metadata(LiveStream s) {
        s.publishData(PUBLISHER, 0, bytes(2, 0, 10, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a'), true);
    }

    static ByteBuf bytes(int... b) {
        ByteBuf buf = Unpooled.buffer(b.length);
        for (int x : b) {
            buf.writeByte(x);
        }
        return buf;
    }

    /** Everything the channel wrote so far, as bytes; the buffers are released. */
    static byte[] written(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            out.writeBytes(a);
            b.release();
        }
        return out.toByteArray();
    }

    /** Where the HTTP head ends (index after CRLFCRLF), -1 if it has not. */
    static int headEnd(byte[] b) {
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    static String head(byte[] b) {
        int end = headEnd(b);
        return new String(b, 0, end < 0 ? b.length : end, StandardCharsets.ISO_8859_1);
    }

    /** The body of a chunked answer, de-chunked (what was written so far; a trailing partial chunk fails). */
    static byte[] dechunk(byte[] b, int from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = from;
        while (i < b.length) {
            int crlf = i;
            while (b[crlf] != '\r') {
                crlf++;
            }
            int size = Integer.parseInt(new String(b, i, crlf - i, StandardCharsets.US_ASCII), 16);
            out.write(b, crlf + 2, size);
            if (b[crlf + 2 + size] != '\r' || b[crlf + 3 + size] != '\n') {
                throw new AssertionError("chunk of " + size + " bytes not followed by CRLF");
            }
            i = crlf + 4 + size;
        }
        return out.toByteArray();
    }

    /** One FLV tag as read back. */
    record Tag(int type, long timestamp, byte[] body) {
        boolean isVideoKeyframe() {
            return type == 9 && (body[0] & 0xf0) == 0x10 && body[1] == 1;
        }
    }

    /** Checks the FLV header, returns its flags byte and appends the tags to {@code tags}. */
    static int parseFlv(byte[] flv, List<Tag> tags) {
        if (flv[0] != 'F' || flv[1] != 'L' || flv[2] != 'V' || flv[3] != 1 || flv[8] != 9) {
            throw new AssertionError("not an FLV header");
        }
        int i = 13;
        while (i < flv.length) {
            int type = flv[i] & 0xff;
            int size = ((flv[i + 1] & 0xff) << 16) | ((flv[i + 2] & 0xff) << 8) | (flv[i + 3] & 0xff);
            long ts = ((flv[i + 4] & 0xffL) << 16) | ((flv[i + 5] & 0xffL) << 8) | (flv[i + 6] & 0xffL)
                    | ((flv[i + 7] & 0xffL) << 24);
            byte[] body = new byte[size];
            System.arraycopy(flv, i + 11, body, 0, size);
            int prev = ((flv[i + 11 + size] & 0xff) << 24) | ((flv[i + 12 + size] & 0xff) << 16)
                    | ((flv[i + 13 + size] & 0xff) << 8) | (flv[i + 14 + size] & 0xff);
            if (prev != 11 + size) {
                throw new AssertionError("PreviousTagSize " + prev + " after a tag of " + size + " bytes");
            }
            tags.add(new Tag(type, ts, body));
            i += 15 + size;
        }
        return flv[4];
    }

    static List<Tag> tags(byte[] flv) {
        List<Tag> tags = new ArrayList<>();
        parseFlv(flv, tags);
        return tags;
    }
}
