package io.sluice.common.channel;

/** The channel closed (or was never open) before the request could be answered. */
public final class ChannelClosedException extends ChannelException {

    public ChannelClosedException(String message) {
        super(message);
    }

    static ChannelClosedException pending(String peerName, Method<?, ?> method, long id) {
        return new ChannelClosedException("channel closed before the response [peer:" + peerName
                + ", method:" + method.wireName() + ", id:" + id + "]");
    }

    static ChannelClosedException notSent(String peerName, Method<?, ?> method) {
        return new ChannelClosedException("channel is closed, request not sent [peer:" + peerName
                + ", method:" + method.wireName() + "]");
    }
}
