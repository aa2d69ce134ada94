package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.sluice.worker.rtmp.RtmpProtocolException;
import io.sluice.worker.rtmp.chunk.RawMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Turns {@link RawMessage}s into typed {@link RtmpMessage}s. Media bodies are passed on without
 * a copy; AMF bodies are parsed; aggregate messages are split into their parts. A message type
 * the spec does not define, or a body that cannot be parsed, is a protocol error.
 */
public final class MessageDecoder extends MessageToMessageDecoder<RawMessage> {

    private static final Logger log = LoggerFactory.getLogger(MessageDecoder.class);

    public MessageDecoder() {
        super(RawMessage.class);
    }

    /**
     * Not sharable (one per connection), answered without a lookup: Netty asks at every read
     * completion, and its answer comes from a per-thread WeakHashMap keyed by class, 1.5 % of a
     * publisher's event loop in a perf profile.
     */
    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, RawMessage raw, List<Object> out) {
        MessageType type = MessageType.of(raw.typeId());
        if (type == null) {
            throw new RtmpProtocolException("invalid message type " + raw.typeId() + " on chunk stream "
                    + raw.chunkStreamId());
        }
        ByteBuf body = raw.payload();
        switch (type) {
            case SET_CHUNK_SIZE -> out.add(SetChunkSize.read(body));
            case ABORT -> out.add(Abort.read(body));
            case ACKNOWLEDGEMENT -> out.add(Acknowledgement.read(body));
            case USER_CONTROL -> out.add(UserControl.read(body));
            case WINDOW_ACK_SIZE -> out.add(WindowAckSize.read(body));
            case SET_PEER_BANDWIDTH -> out.add(SetPeerBandwidth.read(body));
            case AUDIO -> out.add(new AudioData(raw.timestamp(), raw.streamId(), body.retain()));
            case VIDEO -> out.add(new VideoData(raw.timestamp(), raw.streamId(), body.retain()));
            case DATA_AMF0 -> out.add(DataMessage.read(raw.timestamp(), raw.streamId(), body, false));
            case DATA_AMF3 -> out.add(DataMessage.read(raw.timestamp(), raw.streamId(), body, true));
            case COMMAND_AMF0 -> out.add(CommandMessage.read(raw.streamId(), body, false));
            case COMMAND_AMF3 -> out.add(CommandMessage.read(raw.streamId(), body, true));
            case AGGREGATE -> AggregateReader.split(raw, out);
            case SHARED_OBJECT_AMF0, SHARED_OBJECT_AMF3 ->
                    log.debug("ignoring shared object message [conn:{}]", ctx.channel().id().asShortText());
            default -> throw new IllegalStateException(type.name());
        }
    }
}
