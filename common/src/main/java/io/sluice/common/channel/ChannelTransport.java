package io.sluice.common.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Puts {@link ChannelPeer}s on Unix domain stream sockets (Netty epoll). The event loop group
 * must be an epoll one: {@code new MultiThreadIoEventLoopGroup(n, EpollIoHandler.newFactory())}.
 * Binding and connecting to a Unix socket is immediate, so both helpers block (bounded).
 */
public final class ChannelTransport {

    /** {@code sun_path} is 108 bytes on Linux, including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final long BIND_TIMEOUT_MILLIS = 10_000;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Logger log = LoggerFactory.getLogger(ChannelTransport.class);

    private ChannelTransport() {
    }

    /** The channel pipeline: frame decoder, frame encoder, then the peer. */
    public static void initPipeline(ChannelPipeline pipeline, ChannelPeer peer) {
        pipeline.addLast("frameDecoder", new ChannelFrameDecoder());
        pipeline.addLast("frameEncoder", new ChannelFrameEncoder());
        pipeline.addLast("peer", peer);
    }

    /**
     * Listens on {@code socketPath}; every accepted connection gets a fresh peer from {@code peerFactory}.
     *
     * <p>Creates the parent directory with mode 0700 if it is missing (an existing one is left as
     * is). A stale socket file left by a process that died is removed first; a socket somebody
     * still listens on, or a path that is not a socket, is refused.
     *
     * @throws IOException naming the path when any of this fails
     */
    public static ChannelServer listen(Path socketPath, EventLoopGroup group, Supplier<ChannelPeer> peerFactory)
            throws IOException {
        Objects.requireNonNull(peerFactory, "peerFactory");
        Path path = checkPath(socketPath);
        Path parent = path.getParent();
        if (!Files.isDirectory(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.setPosixFilePermissions(parent, OWNER_ONLY); // the umask may have cleared bits
        }
        removeStaleSocket(path);
        ChannelGroup accepted = new DefaultChannelGroup("channel-" + path.getFileName(), ImmediateEventExecutor.INSTANCE);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                        initPipeline(ch.pipeline(), peerFactory.get());
                    }
                });
        Channel server = await(bootstrap.bind(new DomainSocketAddress(path.toString())), "listen on", path);
        log.info("channel listening [path:{}]", path);
        return new ChannelServer(path, server, accepted);
    }

    /**
     * Connects {@code peer} to the socket at {@code socketPath}.
     *
     * @return {@code peer}, now connected
     * @throws IOException naming the path when the connection fails
     */
    public static ChannelPeer connect(Path socketPath, EventLoopGroup group, ChannelPeer peer) throws IOException {
        Objects.requireNonNull(peer, "peer");
        Path path = checkPath(socketPath);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(EpollDomainSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        initPipeline(ch.pipeline(), peer);
                    }
                });
        await(bootstrap.connect(new DomainSocketAddress(path.toString())), "connect to", path);
        log.debug("channel connected [peer:{}, path:{}]", peer.peerName(), path);
        return peer;
    }

    private static Path checkPath(Path socketPath) throws IOException {
        Path path = Objects.requireNonNull(socketPath, "socketPath").toAbsolutePath();
        int length = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_SOCKET_PATH_BYTES) {
            throw new IOException("socket path too long: " + path + " is " + length + " bytes, the limit is "
                    + MAX_SOCKET_PATH_BYTES + " (sun_path)");
        }
        return path;
    }

    private static Channel await(ChannelFuture future, String what, Path path) throws IOException {
        if (!future.awaitUninterruptibly(BIND_TIMEOUT_MILLIS)) {
            future.cancel(false);
            future.channel().close();
            throw new IOException("cannot " + what + " " + path + ": no result after " + BIND_TIMEOUT_MILLIS + " ms");
        }
        if (!future.isSuccess()) {
            future.channel().close();
            throw new IOException("cannot " + what + " " + path + ": " + future.cause().getMessage(), future.cause());
        }
        return future.channel();
    }

    /** A socket file nobody listens on is what a killed process leaves behind: remove it. */
    private static void removeStaleSocket(Path path) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException("refusing to replace " + path + ": it exists and is not a socket");
        }
        if (isListening(path)) {
            throw new IOException("cannot listen on " + path + ": another process is listening on it");
        }
        Files.deleteIfExists(path);
        log.info("removed stale channel socket [path:{}]", path);
    }

    /**
     * Connect-probes the socket. A live server sees one connection that closes at once; its peer
     * fails nothing because nothing was sent. A backlog-full server would block this connect, but
     * the channel socket has one client per worker.
     */
    private static boolean isListening(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false; // ECONNREFUSED: nobody bound to it any more
        }
    }
}
