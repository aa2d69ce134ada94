package io.sluice.worker.rtmp.client;

import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.DataMessage;
import io.sluice.worker.rtmp.message.MediaMessage;

import java.util.Map;

/**
 * What an {@link RtmpClient} receives, on the connection's event loop. Messages are lent for
 * the call: retain a media message to keep it.
 */
public interface ClientListener {

    default void onMedia(MediaMessage media) {
    }

    /**
     * With a {@link io.sluice.worker.rtmp.chunk.PayloadPolicy}: what it made of a message whose
     * payload was skipped, in that message's place.
     */
    default void onSkipped(Object summary) {
    }

    default void onData(DataMessage data) {
    }

    /** An onStatus event for a message stream, e.g. NetStream.Play.UnpublishNotify. */
    default void onStatus(int streamId, String code, Map<?, ?> info) {
    }

    /** A command that is neither a reply nor onStatus (onBWDone, onFCPublish, ...). */
    default void onCommand(CommandMessage command) {
    }

    /** User control events (Stream Begin, Stream EOF, ...) other than pings. */
    default void onUserControl(int eventType, long value) {
    }

    default void onClose() {
    }
}
