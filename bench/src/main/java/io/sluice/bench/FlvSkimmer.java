package io.sluice.bench;

import io.netty.buffer.ByteBuf;

import java.util.function.Consumer;

/**
 * Reads an FLV byte stream (as an HTTP-FLV player receives it, in pieces cut anywhere) and reports
 * each tag as a {@link MediaSummary}, the same record the RTMP players' chunk decoder makes: tag
 * type, timestamp, payload length and the first two payload bytes. Payloads are skipped, never
 * copied, so thousands of HTTP-FLV players cost the generator about what RTMP players do.
 *
 * <p>Not a Netty handler: the player's handler feeds it the content of each HTTP chunk. A stream
 * that does not start with an FLV header, or a tag header announcing a payload over
 * {@link #MAX_TAG_BYTES}, is an error ({@link #failure()}), after which the rest is ignored.
 */
final class FlvSkimmer {

    /**
     * Larger than any frame of a live stream (a 4K key frame is a few MB); a bigger length means
     * the parser is out of step with the stream.
     */
    static final int MAX_TAG_BYTES = 8 << 20;

    private static final int FILE_HEADER = 9;
    private static final int TAG_HEADER = 11;
    private static final int PREVIOUS_TAG_SIZE = 4;

    private enum State { FILE_HEADER, PREVIOUS_SIZE, TAG_HEADER, HEAD, SKIP, FAILED }

    private final Consumer<MediaSummary> sink;
    /** Bytes of a field gathered across pieces (the file or tag header, the previous tag size). */
    private final byte[] field = new byte[TAG_HEADER];
    private int fieldFill;
    private State state = State.FILE_HEADER;
    private int dataOffsetLeft;
    private int type;
    private long timestamp;
    private int length;
    private int head;
    private int headFill;
    private long left;
    private String failure;

    FlvSkimmer(Consumer<MediaSummary> sink) {
        this.sink = sink;
    }

    /** Why the stream was rejected, or null. */
    String failure() {
        return failure;
    }

    /** Consumes every readable byte of {@code in} (its reader index moves to the end). */
    void feed(ByteBuf in) {
        while (in.isReadable() && state != State.FAILED) {
            switch (state) {
                case FILE_HEADER -> {
                    if (gather(in, FILE_HEADER)) {
                        if (field[0] != 'F' || field[1] != 'L' || field[2] != 'V') {
                            fail("not an FLV stream");
                            break;
                        }
                        // The header says where the body starts (9 in every version so far).
                        dataOffsetLeft = (int) (readInt(5) - FILE_HEADER);
                        if (dataOffsetLeft < 0 || dataOffsetLeft > 1024) {
                            fail("FLV data offset " + (dataOffsetLeft + FILE_HEADER));
                            break;
                        }
                        left = dataOffsetLeft;
                        state = left > 0 ? State.SKIP : State.PREVIOUS_SIZE;
                        type = -1;
                    }
                }
                case PREVIOUS_SIZE -> {
                    if (gather(in, PREVIOUS_TAG_SIZE)) {
                        state = State.TAG_HEADER;
                    }
                }
                case TAG_HEADER -> {
                    if (gather(in, TAG_HEADER)) {
                        type = field[0] & 0x1f;
                        length = (field[1] & 0xff) << 16 | (field[2] & 0xff) << 8 | field[3] & 0xff;
                        // 24 bits of timestamp, then the extension byte above them.
                        timestamp = ((long) (field[7] & 0xff) << 24 | (field[4] & 0xff) << 16
                                | (field[5] & 0xff) << 8 | field[6] & 0xff) & 0xffffffffL;
                        if (length > MAX_TAG_BYTES) {
                            fail("FLV tag of " + length + " bytes");
                            break;
                        }
                        head = 0;
                        headFill = 0;
                        left = length;
                        state = length == 0 ? finishTag() : State.HEAD;
                    }
                }
                case HEAD -> {
                    head = head << 8 | in.readUnsignedByte();
                    headFill++;
                    left--;
                    if (headFill == 2) {
                        state = left == 0 ? finishTag() : State.SKIP;
                    } else if (left == 0) {
                        head = -1;
                        state = finishTag();
                    }
                }
                case SKIP -> {
                    int n = (int) Math.min(left, in.readableBytes());
                    in.skipBytes(n);
                    left -= n;
                    if (left == 0) {
                        state = type < 0 ? State.PREVIOUS_SIZE : finishTag();
                    }
                }
                case FAILED -> { }
            }
        }
        if (state == State.FAILED) {
            in.skipBytes(in.readableBytes());
        }
    }

    private State finishTag() {
        sink.accept(new MediaSummary(0, timestamp, type, 0, length, length < 2 ? -1 : head));
        return State.PREVIOUS_SIZE;
    }

    /** Copies bytes of a fixed-size field; true once all {@code size} are there (then reset for the next). */
    private boolean gather(ByteBuf in, int size) {
        int n = Math.min(size - fieldFill, in.readableBytes());
        in.readBytes(field, fieldFill, n);
        fieldFill += n;
        if (fieldFill < size) {
            return false;
        }
        fieldFill = 0;
        return true;
    }

    private long readInt(int at) {
        return ((long) (field[at] & 0xff) << 24 | (field[at + 1] & 0xff) << 16 | (field[at + 2] & 0xff) << 8
                | field[at + 3] & 0xff) & 0xffffffffL;
    }

    private void fail(String why) {
        failure = why;
        state = State.FAILED;
    }
}
