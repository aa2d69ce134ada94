package io.sluice.worker.rtmp.session;

import io.netty.channel.ChannelHandlerContext;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.MediaTagReader;
import io.sluice.worker.net.Connection;
import io.sluice.worker.rtmp.amf.Amf0Writer;
import io.sluice.worker.rtmp.message.DataMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.Publisher;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One {@code publish} on one message stream: feeds the connection's media and metadata into
 * its {@link LiveStream}. Metadata arrives as {@code @setDataFrame "onMetaData" {...}} (ffmpeg,
 * OBS) or plain {@code onMetaData}; it is stored and sent to players as {@code onMetaData}, the
 * way nginx-rtmp and SRS present it.
 */
final class PublishSession implements Publisher {

    private static final Logger log = LoggerFactory.getLogger(PublishSession.class);

    private final ChannelHandlerContext ctx;
    private final Connection connection;
    private final int streamId;
    private final LiveStream stream;
    /** Until the cluster-wide claim is granted, media is dropped (encoders wait for Publish.Start anyway). */
    private boolean pending = true;
    private boolean claimed;

    PublishSession(ChannelHandlerContext ctx, int streamId, LiveStream stream) {
        this.ctx = ctx;
        this.connection = Connection.of(ctx.channel());
        this.streamId = streamId;
        this.stream = stream;
    }

    LiveStream stream() {
        return stream;
    }

    int streamId() {
        return streamId;
    }

    @Override
    public String origin() {
        return connection.remote();
    }

    @Override
    public void close(String reason) {
        log.info("closing publisher [conn:{}, stream:{}]: {}", connection.id(), stream.key(), reason);
        ctx.channel().close();
    }

    /** The claim was granted: media flows from now on. */
    void claimed() {
        pending = false;
        claimed = true;
    }

    boolean isClaimed() {
        return claimed;
    }

    /** Publishes an audio or video message; takes over its reference. */
    void onMedia(MediaMessage media) {
        if (pending) {
            media.release();
            return;
        }
        ByteBuf payload = media.payload();
        MediaTag tag = MediaTagReader.inspect(media.type().id(), payload);
        stream.publishMedia(this, tag, media.timestamp(), payload);
    }

    void onData(DataMessage data) {
        if (pending) {
            return;
        }
        List<Object> values = data.values();
        String name = data.name();
        if ("@setDataFrame".equals(name)) {
            values = values.subList(1, values.size());
            name = values.isEmpty() || !(values.get(0) instanceof String s) ? null : s;
        } else if ("@clearDataFrame".equals(name)) {
            stream.clearMetadata(this);
            return;
        }
        if (name == null) {
            log.debug("ignoring a data message without a handler name [conn:{}]", connection.id());
            return;
        }
        ByteBuf body = ctx.alloc().buffer();
        try {
            for (Object value : values) {
                Amf0Writer.write(body, value);
            }
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
        stream.publishData(this, data.timestamp(), body, "onMetaData".equals(name));
    }
}
