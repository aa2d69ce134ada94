package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtmp.amf.Amf0Reader;

import java.util.ArrayList;
import java.util.List;

/**
 * A decoded RTMP message. Protocol control and user control messages always travel on message
 * stream 0 (spec 5.4); commands, data and media carry the stream they belong to.
 */
public sealed interface RtmpMessage
        permits SetChunkSize, Abort, Acknowledgement, WindowAckSize, SetPeerBandwidth, UserControl,
        CommandMessage, DataMessage, MediaMessage {

    /** Message stream id; 0 for the NetConnection and for all control messages. */
    default int streamId() {
        return 0;
    }

    /**
     * The message a publisher sends for one FLV tag (FLV tag types are RTMP message type ids):
     * audio, video, or the script data as {@code @setDataFrame} followed by its AMF0 values.
     * Takes ownership of {@code payload}.
     */
    static RtmpMessage fromFlvTag(int tagType, long timestamp, int streamId, ByteBuf payload) {
        return switch (tagType) {
            case 9 -> new VideoData(timestamp, streamId, payload);
            case 8 -> new AudioData(timestamp, streamId, payload);
            default -> {
                try {
                    List<Object> values = new ArrayList<>(List.of("@setDataFrame"));
                    values.addAll(Amf0Reader.readAll(payload));
                    yield new DataMessage(timestamp, streamId, values, false);
                } finally {
                    payload.release();
                }
            }
        };
    }
}
