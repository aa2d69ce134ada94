package io.sluice.worker.rtmp.session;

import io.sluice.worker.rtmp.amf.Amf;
import io.sluice.worker.rtmp.message.CommandMessage;

/**
 * The onStatus events and command replies a server sends, with the codes and descriptions
 * nginx-rtmp and SRS use, which players and encoders match on.
 */
final class Status {

    static final String PUBLISH_START = "NetStream.Publish.Start";
    static final String PUBLISH_BAD_NAME = "NetStream.Publish.BadName";
    static final String PUBLISH_FAILED = "NetStream.Publish.Failed";
    static final String UNPUBLISH_SUCCESS = "NetStream.Unpublish.Success";
    static final String PLAY_RESET = "NetStream.Play.Reset";
    static final String PLAY_START = "NetStream.Play.Start";
    static final String PLAY_FAILED = "NetStream.Play.Failed";
    static final String PLAY_STREAM_NOT_FOUND = "NetStream.Play.StreamNotFound";
    static final String PLAY_UNPUBLISH_NOTIFY = "NetStream.Play.UnpublishNotify";
    static final String PAUSE_NOTIFY = "NetStream.Pause.Notify";
    static final String UNPAUSE_NOTIFY = "NetStream.Unpause.Notify";

    private Status() {
    }

    static CommandMessage status(int streamId, String code, String description) {
        return CommandMessage.of(streamId, "onStatus", 0, null,
                Amf.object("level", "status", "code", code, "description", description));
    }

    static CommandMessage error(int streamId, String code, String description) {
        return CommandMessage.of(streamId, "onStatus", 0, null,
                Amf.object("level", "error", "code", code, "description", description));
    }

    static CommandMessage result(double transactionId, Object commandObject, Object... arguments) {
        return CommandMessage.of(0, "_result", transactionId, commandObject, arguments);
    }

    /** The reply to a command we do not implement: an error, never a closed connection. */
    static CommandMessage callFailed(double transactionId, String description) {
        return CommandMessage.of(0, "_error", transactionId, null,
                Amf.object("level", "error", "code", "NetConnection.Call.Failed", "description", description));
    }
}
