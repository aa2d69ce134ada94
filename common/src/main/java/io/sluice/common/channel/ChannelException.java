package io.sluice.common.channel;

/**
 * Why a {@link ChannelPeer#request} future failed: the other side refused the request
 * ({@link ChannelRequestException}), no response came in time ({@link ChannelTimeoutException}),
 * or the channel closed first ({@link ChannelClosedException}).
 */
public abstract sealed class ChannelException extends RuntimeException
        permits ChannelRequestException, ChannelTimeoutException, ChannelClosedException {

    ChannelException(String message) {
        super(message);
    }
}
