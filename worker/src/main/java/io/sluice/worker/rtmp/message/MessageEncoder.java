package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.sluice.worker.rtmp.chunk.ChunkStreamIds;
import io.sluice.worker.rtmp.chunk.RawMessage;

import java.util.List;

/**
 * Turns typed {@link RtmpMessage}s into {@link RawMessage}s for the chunk encoder, choosing the
 * chunk stream by kind (see {@link ChunkStreamIds}). Buffers that are already chunked pass by.
 */
public final class MessageEncoder extends MessageToMessageEncoder<RtmpMessage> {

    public MessageEncoder() {
        super(RtmpMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, List<Object> out) {
        if (msg instanceof MediaMessage media) {
            int csid = media.type() == MessageType.AUDIO ? ChunkStreamIds.AUDIO : ChunkStreamIds.VIDEO;
            out.add(new RawMessage(csid, media.timestamp(), media.type().id(), media.streamId(),
                    media.payload().retain()));
            return;
        }
        ByteBuf body = ctx.alloc().buffer();
        try {
            out.add(encodeBody(msg, body));
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
    }

    private static RawMessage encodeBody(RtmpMessage msg, ByteBuf body) {
        if (msg instanceof CommandMessage c) {
            c.write(body);
            int csid = c.streamId() == 0 ? ChunkStreamIds.CONNECTION_COMMAND : ChunkStreamIds.STREAM_COMMAND;
            return new RawMessage(csid, 0, MessageType.COMMAND_AMF0.id(), c.streamId(), body);
        }
        if (msg instanceof DataMessage d) {
            d.write(body);
            return new RawMessage(ChunkStreamIds.STREAM_COMMAND, d.timestamp(), MessageType.DATA_AMF0.id(),
                    d.streamId(), body);
        }
        MessageType type;
        if (msg instanceof SetChunkSize m) {
            m.write(body);
            type = MessageType.SET_CHUNK_SIZE;
        } else if (msg instanceof Abort m) {
            m.write(body);
            type = MessageType.ABORT;
        } else if (msg instanceof Acknowledgement m) {
            m.write(body);
            type = MessageType.ACKNOWLEDGEMENT;
        } else if (msg instanceof WindowAckSize m) {
            m.write(body);
            type = MessageType.WINDOW_ACK_SIZE;
        } else if (msg instanceof SetPeerBandwidth m) {
            m.write(body);
            type = MessageType.SET_PEER_BANDWIDTH;
        } else if (msg instanceof UserControl m) {
            m.write(body);
            type = MessageType.USER_CONTROL;
        } else {
            throw new IllegalArgumentException("cannot encode " + msg.getClass().getSimpleName());
        }
        return new RawMessage(ChunkStreamIds.CONTROL, 0, type.id(), 0, body);
    }
}
