package io.sluice.worker.rtmp.message;

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
}
