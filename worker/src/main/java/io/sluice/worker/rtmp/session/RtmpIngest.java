package io.sluice.worker.rtmp.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.rtmp.amf.Amf0Writer;
import io.sluice.worker.rtmp.message.DataMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.MessageType;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.MediaFrame;
import io.sluice.worker.stream.Publisher;

import java.util.List;

/**
 * RTMP media and data messages into a live stream: what a publishing connection
 * ({@link PublishSession}) and a relay from another worker both do with what they receive, in one
 * place so the two cannot drift apart.
 *
 * <p>Metadata arrives as {@code @setDataFrame "onMetaData" {...}} (ffmpeg, OBS) or plain
 * {@code onMetaData}; it is stored and sent to players as {@code onMetaData}, the way nginx-rtmp
 * and SRS present it. {@code @clearDataFrame} forgets it.
 */
public final class RtmpIngest {

    private RtmpIngest() {
    }

    /** Publishes an audio or video message; takes over its reference. */
    public static void media(LiveStream stream, Publisher publisher, MediaMessage media) {
        MediaFrame.Kind kind = media.type() == MessageType.AUDIO ? MediaFrame.Kind.AUDIO : MediaFrame.Kind.VIDEO;
        stream.publishMedia(publisher, kind, media.timestamp(), media.payload());
    }

    /**
     * Publishes a data message, re-encoded in AMF0 as players receive it.
     *
     * @return false when it was ignored: it names no handler
     */
    public static boolean data(LiveStream stream, Publisher publisher, ByteBufAllocator alloc, DataMessage data) {
        List<Object> values = data.values();
        String name = data.name();
        if ("@setDataFrame".equals(name)) {
            values = values.subList(1, values.size());
            name = values.isEmpty() || !(values.get(0) instanceof String s) ? null : s;
        } else if ("@clearDataFrame".equals(name)) {
            stream.clearMetadata(publisher);
            return true;
        }
        if (name == null) {
            return false;
        }
        ByteBuf body = alloc.buffer();
        try {
            for (Object value : values) {
                Amf0Writer.write(body, value);
            }
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
        stream.publishData(publisher, data.timestamp(), body, "onMetaData".equals(name));
        return true;
    }
}
