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
         * Netty's defaults are 128 submissions and 4096 completions per ring. 1024 submissions
         * make a fan-out turn of 1000 players' writes a few system calls; 16384 completions hold
         * a turn's completions with 6000 players on one loop and room to spare (a fuller queue
         * does not lose completions: the kernel keeps the overflow until Netty reads it). The
         * queue's size is also heap: on kernels with mixed-size completions Netty keeps a
         * ByteBuffer view per slot, about 68 bytes each, so the 65536 used before held 8.9 MB
         * of a worker's heap for its two loops from the start. (The overflows once seen at
         * 1000-6000 players came from the empty-write spin that {@link #IOVEC_PROPERTY} stops,
         * not from the queue's size.)
         */
        static final int RING_SIZE = 1024;
        static final int CQ_SIZE = 16384;

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

    /**
     * Netty 4.2.18's io_uring loop gathers the {@code writev} vectors of all channels written in
     * one loop turn into one shared array of {@code io.netty.iouring.numElementsIoVec} entries
     * (default 10 x IOV_MAX) and submits the turn's writes when that array is full; but the
     * array refuses any entry past IOV_MAX (1024) in total. From then until the next submission
     * every channel's write gathers no vector at all, is submitted as a {@code writev} of zero
     * vectors, completes with 0 bytes, and is resubmitted at once, because Netty takes a result
     * of 0 for "all written". At 1000 players 12 % of the writes were empty; at 3000 players on
     * two cores (600 kbit/s) 269 010 of 275 971 completions in one second were, the loops spun
     * at 100 % of both cores, the completion queue overflowed, unsent writes piled up as Netty
     * outbound-buffer entries (1.1 million, the whole 256 MiB heap) and the worker lost the
     * master's heartbeat. An array of exactly IOV_MAX entries is "full" exactly when it refuses,
     * so the turn's writes are submitted then and the next channel starts on an empty array.
     * Set here, before Netty's {@code IoUring} class reads it; an operator's own
     * {@code -Dio.netty.iouring.numElementsIoVec} is left alone.
     */
    static final String IOVEC_PROPERTY = "io.netty.iouring.numElementsIoVec";

    /** Linux's IOV_MAX (UIO_MAXIOV); Netty's {@code Limits} asks the native library, not loaded yet here. */
    static final int IOV_MAX = 1024;

    static {
        if (System.getProperty(IOVEC_PROPERTY) == null) {
            System.setProperty(IOVEC_PROPERTY, Integer.toString(IOV_MAX));
        }
    }

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
     * What {@code worker.transport} gives on this kernel: {@code auto} is io_uring where the kernel
     * allows it, else epoll with one INFO line naming the cause (with every message written at
     * once, io_uring took 4-9 % less CPU per delivered Gbit at 100 and 1000 players in every run;
     * see the README); {@code io_uring} where the kernel refuses it (too old,
     * {@code kernel.io_uring_disabled}, seccomp) is epoll with one WARN line naming the cause, so
     * a worker still starts.
     *
     * @throws IllegalStateException when not even epoll is available (see {@link #requireEpoll})
     */
    public static Transport choose(TransportChoice choice) {
        requireEpoll();
        if (choice == TransportChoice.EPOLL) {
            return EPOLL;
        }
        if (!ioUringAvailable()) {
            String cause = String.valueOf(ioUringUnavailabilityCause());
            if (choice == TransportChoice.IO_URING) {
                log.warn("worker.transport is io_uring, but io_uring is not available here ({}); using epoll", cause);
            } else {
                log.info("io_uring is not available here ({}); using epoll", cause);
            }
            return EPOLL;
        }
        return IO_URING;
    }

    /**
     * Whether this kernel runs Netty's io_uring transport; asks through this class, so the
     * settings above are in place before Netty's {@code IoUring} reads them.
     */
    public static boolean ioUringAvailable() {
        return IoUring.isAvailable();
    }

    /** Why io_uring is not available here, or null. */
    public static Throwable ioUringUnavailabilityCause() {
        return IoUring.unavailabilityCause();
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
