package io.sluice.common.channel;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** A listening channel socket, from {@link ChannelTransport#listen}. */
public final class ChannelServer implements AutoCloseable {

    private static final long CLOSE_TIMEOUT_MILLIS = 5_000;
    private static final Logger log = LoggerFactory.getLogger(ChannelServer.class);

    private final Path socketPath;
    private final Channel server;
    private final ChannelGroup accepted;
    private final AtomicBoolean closed = new AtomicBoolean();

    ChannelServer(Path socketPath, Channel server, ChannelGroup accepted) {
        this.socketPath = socketPath;
        this.server = server;
        this.accepted = accepted;
    }

    /** The absolute path of the socket file. */
    public Path socketPath() {
        return socketPath;
    }

    /**
     * Stops listening, closes every accepted connection (their peers fail their pending requests)
     * and removes the socket file. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // a later server may own the path by now: never remove its socket
        }
        server.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        accepted.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            log.warn("cannot remove channel socket [path:{}]: {}", socketPath, e.toString());
        }
        log.debug("channel server closed [path:{}]", socketPath);
    }
}
