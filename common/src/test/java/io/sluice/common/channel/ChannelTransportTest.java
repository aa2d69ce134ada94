package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The channel over a real Unix domain socket (Netty epoll). */
@Timeout(30)
class ChannelTransportTest {

    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path tempDir;

    private EventLoopGroup group;

    @BeforeEach
    void startLoop() {
        Epoll.ensureAvailability();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void requestsBothWaysOverAUnixSocket() throws Exception {
        Path socket = tempDir.resolve("run").resolve("master.sock");
        CompletableFuture<ChannelPeer> accepted = new CompletableFuture<>();
        CompletableFuture<JsonNode> neverAnswered = new CompletableFuture<>();
        ChannelServer server = ChannelTransport.listen(socket, group, () -> {
            ChannelPeer master = new ChannelPeer("master", TestProtocol.PROTOCOL, Duration.ofSeconds(WAIT_SECONDS));
            master.onRequest(TestProtocol.IDENTIFY, (request, ctx) ->
                    ChannelJson.parse("{\"hello\":" + request.get("workerId") + "}"));
            master.onRequestAsync(TestProtocol.CLAIM, (request, ctx) -> neverAnswered);
            // Answered from another thread: the response and its notification hop to the event loop.
            master.onRequestAsync(TestProtocol.RELEASE, (request, ctx) -> CompletableFuture.supplyAsync(() -> {
                ctx.notifyAfterResponse(TestProtocol.UNPUBLISHED, ctx.request().handlerId(), null);
                return ChannelJson.parse("{\"released\":true}");
            }));
            accepted.complete(master);
            return master;
        });
        try {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
            assertTrue(Files.exists(socket));

            ChannelPeer worker = new ChannelPeer("worker-1", TestProtocol.PROTOCOL, Duration.ofSeconds(WAIT_SECONDS));
            worker.onRequest(TestProtocol.PING, (request, ctx) -> ChannelJson.parse("{\"pong\":true}"));
            CompletableFuture<String> running = new CompletableFuture<>();
            worker.onNotification(TestProtocol.PUBLISHED, (data, target) -> running.complete(target));
            ChannelTransport.connect(socket, group, worker);

            JsonNode hello = worker.request(TestProtocol.IDENTIFY, ChannelJson.parse("{\"workerId\":1}"))
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(1, hello.get("hello").asInt());

            ChannelPeer master = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
            JsonNode pong = master.request(TestProtocol.PING, null).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(pong.get("pong").asBoolean());
            master.notify(TestProtocol.PUBLISHED, "live/a", null);
            assertEquals("live/a", running.get(WAIT_SECONDS, TimeUnit.SECONDS));

            // Delivered on the worker's event loop: by then the response before it has completed its future.
            CompletableFuture<CompletableFuture<JsonNode>> release = new CompletableFuture<>();
            CompletableFuture<Boolean> responseDoneFirst = new CompletableFuture<>();
            worker.onNotification(TestProtocol.UNPUBLISHED,
                    (data, target) -> release.thenAccept(response -> responseDoneFirst.complete(response.isDone())));
            release.complete(worker.request(TestProtocol.RELEASE, "live/a", null, Duration.ofSeconds(WAIT_SECONDS)));
            assertTrue(responseDoneFirst.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertTrue(release.join().join().get("released").asBoolean());

            CompletableFuture<JsonNode> pending = worker.request(TestProtocol.CLAIM, "live/b", null, Duration.ofSeconds(WAIT_SECONDS));
            server.close();
            assertFalse(Files.exists(socket), "socket file removed on close");
            worker.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(ChannelClosedException.class, e.getCause());
            master.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }

    @Test
    void staleSocketIsReplacedButALiveOneIsNot() throws Exception {
        Path socket = tempDir.resolve("master.sock");
        // A JDK server socket leaves its file behind when closed, like a killed master does.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));

        try (ChannelServer live = ChannelTransport.listen(socket, group, () -> new ChannelPeer("master", TestProtocol.PROTOCOL, Duration.ofSeconds(1)))) {
            IOException inUse = assertThrows(IOException.class,
                    () -> ChannelTransport.listen(socket, group, () -> new ChannelPeer("master", TestProtocol.PROTOCOL, Duration.ofSeconds(1))));
            assertTrue(inUse.getMessage().contains("another process is listening"), inUse.getMessage());
            assertTrue(Files.exists(live.socketPath()));
        }
        assertFalse(Files.exists(socket));

        Path notASocket = Files.writeString(tempDir.resolve("file.sock"), "keep me");
        IOException refused = assertThrows(IOException.class,
                () -> ChannelTransport.listen(notASocket, group, () -> new ChannelPeer("master", TestProtocol.PROTOCOL, Duration.ofSeconds(1))));
        assertTrue(refused.getMessage().contains("not a socket"), refused.getMessage());
        assertEquals("keep me", Files.readString(notASocket));
    }
}
