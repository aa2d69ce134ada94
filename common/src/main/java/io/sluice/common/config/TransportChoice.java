package io.sluice.common.config;

import java.util.Locale;

/**
 * {@code worker.transport}: the Netty native transport of a worker's sockets (the RTMP and HTTP
 * listeners, their connections, the relay endpoint and relays).
 */
public enum TransportChoice {
    /** The worker picks: io_uring where the kernel allows it, else epoll (see {@code io.sluice.worker.net.Transport#choose}). */
    AUTO,
    /** epoll, readiness-based: one {@code writev} per player flush. */
    EPOLL,
    /** io_uring, completion-based: a flush is queued as a submission, many of them per system call. */
    IO_URING;

    /** As written in sluice.yaml, e.g. {@code io_uring}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
