package io.sluice.common.channel;

import java.time.Duration;

/** No response arrived within the request's timeout; a response arriving later is dropped. */
public final class ChannelTimeoutException extends ChannelException {

    private final Method<?, ?> method;
    private final long id;
    private final Duration timeout;

    public ChannelTimeoutException(String peerName, Method<?, ?> method, long id, Duration timeout) {
        super("request timed out [peer:" + peerName + ", method:" + method.wireName() + ", id:" + id
                + ", timeout:" + timeout.toMillis() + "ms]");
        this.method = method;
        this.id = id;
        this.timeout = timeout;
    }

    public Method<?, ?> method() {
        return method;
    }

    public long id() {
        return id;
    }

    public Duration timeout() {
        return timeout;
    }
}
