package io.sluice.common.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * Turns the channel's byte stream into {@link Envelope}s: a 4-byte big-endian unsigned length,
 * then that many bytes of UTF-8 JSON.
 *
 * <h2>Malformed input policy</h2>
 * <ul>
 *   <li>A length prefix above the limit ({@link #DEFAULT_MAX_FRAME_LENGTH}, 4 MiB, unless given
 *       otherwise) means framing is lost: nothing after it can be trusted to start a frame. The
 *       decoder logs one WARN line naming the length and the limit, discards everything that
 *       follows and <b>closes the channel</b>. Nothing is allocated for the announced length.</li>
 *   <li>A well-framed frame whose payload is not JSON, or is JSON that is none of the three
 *       envelope shapes, is <b>dropped</b> and the channel stays up: the next frame starts right
 *       after it. The decoder passes a {@link MalformedFrame} on instead of an envelope;
 *       {@link ChannelPeer} logs one WARN line for it and, if it was a request with a usable
 *       {@code id}, answers it with an error response {@code BadRequest} rather than dropping it
 *       silently.</li>
 * </ul>
 */
public final class ChannelFrameDecoder extends ByteToMessageDecoder {

    /** The protocol's frame limit: 4 MiB of JSON, not counting the 4-byte length prefix. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 4 * 1024 * 1024;

    static final int LENGTH_FIELD_LENGTH = 4;

    private static final Logger log = LoggerFactory.getLogger(ChannelFrameDecoder.class);

    private enum State { READ_LENGTH, READ_PAYLOAD, FRAMING_LOST }

    private final int maxFrameLength;
    private State state = State.READ_LENGTH;
    private int payloadLength;

    /** A decoder with the protocol's 4 MiB limit. */
    public ChannelFrameDecoder() {
        this(DEFAULT_MAX_FRAME_LENGTH);
    }

    /** A decoder refusing frames longer than {@code maxFrameLength} bytes of JSON. */
    public ChannelFrameDecoder(int maxFrameLength) {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.FRAMING_LOST) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (state == State.READ_LENGTH) {
            if (in.readableBytes() < LENGTH_FIELD_LENGTH) {
                return;
            }
            long length = in.readUnsignedInt();
            if (length > maxFrameLength) {
                framingLost(ctx, in, length);
                return;
            }
            payloadLength = (int) length;
            state = State.READ_PAYLOAD;
        }
        if (in.readableBytes() < payloadLength) {
            return;
        }
        ByteBuf payload = in.readSlice(payloadLength);
        state = State.READ_LENGTH;
        out.add(parse(payload));
    }

    private void framingLost(ChannelHandlerContext ctx, ByteBuf in, long length) {
        state = State.FRAMING_LOST;
        in.skipBytes(in.readableBytes());
        log.warn("channel frame too long, closing the channel [channel:{}, length:{}, limit:{}]",
                ctx.channel(), length, maxFrameLength);
        ctx.close();
    }

    private static Object parse(ByteBuf payload) {
        JsonNode node;
        try (InputStream stream = new ByteBufInputStream(payload)) {
            node = ChannelJson.mapper().readTree(stream);
        } catch (JsonProcessingException e) {
            return new MalformedFrame("invalid JSON (" + payload.capacity() + " bytes): " + describe(e),
                    OptionalLong.empty());
        } catch (IOException e) {
            // ByteBufInputStream reads memory; this is not expected, but it is still one bad frame.
            return new MalformedFrame("unreadable frame: " + e, OptionalLong.empty());
        }
        try {
            return Envelope.fromJson(node);
        } catch (MalformedEnvelopeException e) {
            return new MalformedFrame(e.getMessage(), e.requestId());
        }
    }

    /** Jackson's problem and position, without the source excerpt (that would be payload). */
    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        return e.getLocation() == null ? message
                : message + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}
