package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipelineException;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.sluice.worker.rtmp.RtmpProtocolException;
import io.sluice.worker.rtmp.amf.Amf;
import io.sluice.worker.rtmp.chunk.ChunkDecoder;
import io.sluice.worker.rtmp.chunk.ChunkEncoder;
import io.sluice.worker.rtmp.chunk.RawMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageCodecTest {

    /** Encoder pipeline → bytes → decoder pipeline. */
    private static List<Object> roundTrip(RtmpMessage... messages) {
        EmbeddedChannel out = new EmbeddedChannel(new ChunkEncoder(), new MessageEncoder());
        EmbeddedChannel in = new EmbeddedChannel(new ChunkDecoder(1 << 20, 64), new MessageDecoder());
        for (RtmpMessage m : messages) {
            out.writeOutbound(m);
        }
        ByteBuf b;
        while ((b = out.readOutbound()) != null) {
            in.writeInbound(b);
        }
        List<Object> got = new ArrayList<>();
        Object o;
        while ((o = in.readInbound()) != null) {
            got.add(o);
        }
        assertFalse(out.finish());
        assertFalse(in.finish());
        return got;
    }

    @Test
    void aDecoderBelongsToOneConnection() {
        // isSharable() is answered without Netty's lookup; the answer must still be "no", or
        // Netty would let one decoder (and its half-read state) serve two connections.
        MessageDecoder decoder = new MessageDecoder();
        assertFalse(decoder.isSharable());
        EmbeddedChannel first = new EmbeddedChannel(decoder);
        EmbeddedChannel second = new EmbeddedChannel();
        assertThrows(ChannelPipelineException.class, () -> second.pipeline().addLast(decoder));
        assertFalse(first.finish());
        assertFalse(second.finish());
    }

    @Test
    void everyControlMessageRoundTrips() {
        List<RtmpMessage> sent = List.of(new SetChunkSize(4096), new Abort(9), new Acknowledgement(0xFFFF_FFF0L),
                new WindowAckSize(2_500_000), new SetPeerBandwidth(2_500_000, SetPeerBandwidth.SOFT),
                UserControl.streamBegin(1), UserControl.streamEof(1), UserControl.streamIsRecorded(1),
                UserControl.setBufferLength(1, 3000), UserControl.pingRequest(77), UserControl.pingResponse(77));
        assertEquals(sent, roundTrip(sent.toArray(RtmpMessage[]::new)));
    }

    @Test
    void commandsDataAndMediaRoundTrip() {
        CommandMessage command = CommandMessage.of(1, "onStatus", 0, null,
                Amf.object("level", "status", "code", "NetStream.Play.Start"));
        DataMessage data = DataMessage.of(40, 1, "onMetaData", Amf.object("width", 640.0));
        VideoData video = new VideoData(80, 1, Unpooled.wrappedBuffer(new byte[70_000]));
        AudioData audio = new AudioData(81, 1, Unpooled.wrappedBuffer(new byte[]{(byte) 0xaf, 1, 2}));
        List<Object> got = roundTrip(command, data, video, audio);
        try {
            assertEquals(command, got.get(0));
            assertEquals(data, got.get(1));
            VideoData v = assertInstanceOf(VideoData.class, got.get(2));
            assertEquals(80, v.timestamp());
            assertEquals(70_000, v.payload().readableBytes());
            AudioData a = assertInstanceOf(AudioData.class, got.get(3));
            assertEquals("af0102", ByteBufUtil.hexDump(a.payload()));
        } finally {
            got.forEach(ReferenceCountUtil::release);
        }
    }

    @Test
    void amf3CommandSkipsTheFormatByte() {
        ByteBuf body = Unpooled.buffer();
        body.writeByte(0); // AMF3 command messages start with a format byte
        io.sluice.worker.rtmp.amf.Amf0Writer.writeAll(body, "play", 0.0, null, "cam");
        List<Object> got = decode(new RawMessage(8, 0, 17, 1, body));
        CommandMessage c = assertInstanceOf(CommandMessage.class, got.get(0));
        assertEquals("play", c.name());
        assertTrue(c.amf3());
        assertEquals("cam", c.stringArgument(0));
    }

    @Test
    void aggregateIsSplitIntoItsMessagesWithRebasedTimestamps() {
        ByteBuf body = Unpooled.buffer();
        subTag(body, 9, 1000, new byte[]{0x17, 1, 0, 0, 0});
        subTag(body, 8, 1020, new byte[]{(byte) 0xaf, 1});
        List<Object> got = decode(new RawMessage(6, 5000, 22, 1, body));
        try {
            VideoData v = assertInstanceOf(VideoData.class, got.get(0));
            AudioData a = assertInstanceOf(AudioData.class, got.get(1));
            assertEquals(5000, v.timestamp());
            assertEquals(5020, a.timestamp());
            assertEquals(1, a.streamId());
            assertEquals("af01", ByteBufUtil.hexDump(a.payload()));
        } finally {
            got.forEach(ReferenceCountUtil::release);
        }
    }

    @Test
    void truncatedAggregateIsAProtocolError() {
        ByteBuf body = Unpooled.buffer();
        subTag(body, 9, 0, new byte[10]);
        body.writerIndex(body.writerIndex() - 8);
        DecoderException e = assertThrows(DecoderException.class, () -> decode(new RawMessage(6, 0, 22, 1, body)));
        assertTrue(e.getCause().getMessage().contains("aggregate"), e.getMessage());
    }

    @Test
    void malformedBodiesNameTheProblem() {
        assertProblem(new RawMessage(2, 0, 5, 0, Unpooled.wrappedBuffer(new byte[2])),
                "Window Acknowledgement Size with a 2-byte body (needs 4)");
        assertProblem(new RawMessage(2, 0, 4, 0, Unpooled.wrappedBuffer(new byte[]{0, 6})),
                "User Control event 6 without its 4-byte value");
        assertProblem(new RawMessage(3, 0, 7, 0, Unpooled.wrappedBuffer(new byte[1])), "invalid message type 7");
        assertProblem(new RawMessage(3, 0, 20, 0, Unpooled.wrappedBuffer(new byte[]{0x00, 0x40, 0, 0, 0, 0, 0, 0, 0})),
                "command message without a command name");
    }

    private static void assertProblem(RawMessage raw, String expected) {
        DecoderException e = assertThrows(DecoderException.class, () -> decode(raw));
        RtmpProtocolException cause = assertInstanceOf(RtmpProtocolException.class, e.getCause());
        assertTrue(cause.getMessage().contains(expected), cause.getMessage());
    }

    private static List<Object> decode(RawMessage raw) {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageDecoder());
        try {
            ch.writeInbound(raw);
            List<Object> got = new ArrayList<>();
            Object o;
            while ((o = ch.readInbound()) != null) {
                got.add(o);
            }
            return got;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static void subTag(ByteBuf out, int type, int timestamp, byte[] body) {
        out.writeByte(type);
        out.writeMedium(body.length);
        out.writeMedium(timestamp & 0xFFFFFF);
        out.writeByte(timestamp >>> 24);
        out.writeMedium(0);
        out.writeBytes(body);
        out.writeInt(body.length + 11);
    }
}
