package io.sluice.worker.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.sluice.common.config.TransportChoice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The Netty native transport a worker's event loops and sockets use ({@code worker.transport}):
 * epoll, or io_uring where the kernel allows it. Everything that makes a channel asks this for
 * the classes, so the listeners, the relay endpoint and the relays' client connections always
 * match the loops they are registered on.
 */
public enum Transport {

    EPOLL("epoll") {
        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        public Class<? extends ServerChannel> serverSocket() {
            return EpollServerSocketChannel.class;
        }

        @Override
        public Class<? extends Channel> socket() {
            return EpollSocketChannel.class;
        }

        @Override
        public Class<? extends ServerChannel> serverDomainSocket() {
            return EpollServerDomainSocketChannel.class;
        }

        @Override
        public Class<? extends DomainSocketChannel> domainSocket() {
            return EpollDomainSocketChannel.class;
        }

        @Override
        public ChannelOption<Boolean> tcpQuickAck() {
            return EpollChannelOption.TCP_QUICKACK;
        }
    },

    IO_URING("io_uring") {
        /**
         * Netty's defaults are 128 submissions and 4096 completions per ring. A fan-out turn
         * completes a write per player, and with 1000 players of one stream the completion queue
         * overflowed again and again (the kernel keeps the overflow; Netty logs a WARN each time:
         * 7190 in one run). With 65536 completions (1 MiB per loop) it did not at 1000 players
         * (it still did with 3000 players saturating the machine); 1024 submissions make a turn of
         * 500 players' writes one or two system calls.
         */
        static final int RING_SIZE = 1024;
        static final int CQ_SIZE = 65536;

        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setRingSize(RING_SIZE).setCqSize(CQ_SIZE));
        }

        @Override
        public Class<? extends ServerChannel> serverSocket() {
            return IoUringServerSocketChannel.class;
        }

        @Override
        public Class<? extends Channel> socket() {
            return IoUringSocketChannel.class;
        }

        @Override
        public Class<? extends ServerChannel> serverDomainSocket() {
            return IoUringServerDomainSocketChannel.class;
        }

        @Override
        public Class<? extends DomainSocketChannel> domainSocket() {
            return IoUringDomainSocketChannel.class;
        }

        @Override
        public ChannelOption<Boolean> tcpQuickAck() {
            return IoUringChannelOption.TCP_QUICKACK;
        }
    };

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    private final String text;

    Transport(String text) {
        this.text = text;
    }

    public abstract IoHandlerFactory ioHandlerFactory();

    public abstract Class<? extends ServerChannel> serverSocket();

    public abstract Class<? extends Channel> socket();

    public abstract Class<? extends ServerChannel> serverDomainSocket();

    public abstract Class<? extends DomainSocketChannel> domainSocket();

    /** {@code TCP_QUICKACK} for this transport's TCP sockets (each transport has its own option). */
    public abstract ChannelOption<Boolean> tcpQuickAck();

    /** As in sluice.yaml and the logs: {@code epoll}, {@code io_uring}. */
    @Override
    public String toString() {
        return text;
    }

    /**
     * What {@code worker.transport} gives on this kernel: {@code auto} is epoll. io_uring is a
     * tenth to a fifth cheaper at 1000 players, but a worker on it saturated by 3000-6000 players
     * stopped answering the master's heartbeat and was killed, where one on epoll carried 6000
     * (see the README). {@code io_uring} where the kernel refuses it (too old,
     * {@code kernel.io_uring_disabled}, seccomp) is epoll with one WARN line naming the cause, so
     * a worker still starts.
     *
     * @throws IllegalStateException when not even epoll is available (see {@link #requireEpoll})
     */
    public static Transport choose(TransportChoice choice) {
        requireEpoll();
        if (choice != TransportChoice.IO_URING) {
            return EPOLL;
        }
        if (!IoUring.isAvailable()) {
            log.warn("worker.transport is io_uring, but io_uring is not available here ({}); using epoll",
                    String.valueOf(IoUring.unavailabilityCause()));
            return EPOLL;
        }
        return IO_URING;
    }

    /** The transport of a group's event loops: a channel registered there must be of its kind. */
    public static Transport of(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup io && io.isIoType(IoUringIoHandler.class) ? IO_URING : EPOLL;
    }

    /**
     * Re-arms {@code TCP_QUICKACK} on a connected TCP socket of either transport (Linux leaves
     * quick-ack mode by itself); anything else is left alone.
     */
    public static void quickAck(Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        if (ch instanceof EpollSocketChannel epoll) {
            epoll.config().setTcpQuickAck(true);
        } else if (ch instanceof IoUringSocketChannel) {
            ch.config().setOption(IoUringChannelOption.TCP_QUICKACK, true);
        }
    }

    /** The user id of the process at the other end of a Unix domain socket of either transport. */
    public static int peerUid(Channel ch) throws IOException {
        if (ch instanceof EpollDomainSocketChannel epoll) {
            return epoll.peerCredentials().uid();
        }
        if (ch instanceof IoUringDomainSocketChannel uring) {
            return uring.peerCredentials().uid();
        }
        throw new IOException("not a Unix domain socket: " + ch);
    }

    /** Fails with the reason and what to do when the native epoll transport cannot load. */
    public static void requireEpoll() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's native epoll transport is not available ("
                    + Epoll.unavailabilityCause() + "); Sluice needs Linux on x86_64 or aarch64 with the"
                    + " netty-transport-native-epoll jar for that architecture on the classpath",
                    Epoll.unavailabilityCause());
        }
    }
}
