package io.sluice.worker.rtmp.session;

import io.netty.channel.ChannelHandlerContext;
import io.sluice.worker.net.Connection;
import io.sluice.worker.rtmp.message.DataMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code publish} on one message stream: feeds the connection's media and metadata into
 * its {@link LiveStream} ({@link RtmpIngest}, as a relay does) once the cluster-wide claim is granted.
 */
final class PublishSession implements Publisher {

    private static final Logger log = LoggerFactory.getLogger(PublishSession.class);

    private final ChannelHandlerContext ctx;
    private final Connection connection;
    private final LiveStream stream;
    /** Until the cluster-wide claim is granted, media is dropped (encoders wait for Publish.Start anyway). */
    private boolean claimed;

    PublishSession(ChannelHandlerContext ctx, LiveStream stream) {
        this.ctx = ctx;
        this.connection = Connection.of(ctx.channel());
        this.stream = stream;
    }

    LiveStream stream() {
        return stream;
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
        claimed = true;
    }

    boolean isClaimed() {
        return claimed;
    }

    /** Publishes an audio or video message; takes over its reference. */
    void onMedia(MediaMessage media) {
        if (!claimed) {
            media.release();
            return;
        }
        RtmpIngest.media(stream, this, media);
    }

    void onData(DataMessage data) {
        if (!claimed) {
            return;
        }
        if (!RtmpIngest.data(stream, this, ctx.alloc(), data)) {
            log.debug("ignoring a data message without a handler name [conn:{}]", connection.id());
        }
    }
}
