package io.sluice.worker.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.protocol.StreamGone;
import io.sluice.common.protocol.StreamLocation;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.message.VideoData;
import io.sluice.worker.rtmp.server.RtmpListener;
import io.sluice.worker.rtmp.session.RtmpChunks;
import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.runtime.WorkerRuntime;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.StreamKey;
import io.sluice.worker.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay from a real owner (an {@link WorkerRuntime} with an {@link RtmpListener} and its relay endpoint) into a local registry,
 * with the master played by a recording {@link RelayDirectory}: what the relay does when the master
 * says the owner is gone ({@code stream.unpublished}), and that it leaves the master's waiting list
 * when it closes before the stream was found ({@code stream.waitCancelled}).
 */
@Timeout(30)
class RelayManagerTest {

    private static final StreamKey KEY = new StreamKey("live", "cam");

    @TempDir
    Path dir;

    private WorkerRuntime owner;
    private EventLoopGroup group;
    private RtmpClient publisher;
    private RelayManager relays;
    private final Directory directory = new Directory();

    /** The master as the relays see it: answers locate from a script and records the rest. */
    private static final class Directory implements RelayDirectory {
        volatile StreamLocation answer;
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<StreamLocation> locate(StreamKey key) {
            calls.add("locate " + key);
            StreamLocation a = answer;
            return CompletableFuture.completedFuture(a != null ? a : new StreamLocation(key.app(), key.name(), false, 0, null));
        }

        @Override
        public void relayOpened(StreamKey key) {
            calls.add("opened " + key);
        }

        @Override
        public void relayClosed(StreamKey key) {
            calls.add("closed " + key);
        }

        @Override
        public void waitCancelled(StreamKey key) {
            calls.add("waitCancelled " + key);
        }
    }

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        owner = new WorkerRuntime(1, new GopSettings(true, 2048, 32 << 20), 0, 0);
        RtmpListener rtmp = new RtmpListener(owner, SessionSettings.defaults());
        int port = rtmp.bind("127.0.0.1", 0).getPort();
        rtmp.bindRelayEndpoint(dir.resolve("owner.sock"));
        publisher = RtmpClient.connect(group, new InetSocketAddress("127.0.0.1", port), "live", "rtmp://127.0.0.1/live",
                new ClientListener() { }, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
        int sid = publisher.createStream().get(5, TimeUnit.SECONDS);
        publisher.publish(sid, "cam").get(5, TimeUnit.SECONDS);
        ByteBuf key = Unpooled.buffer().writeByte(0x17).writeByte(1).writeMedium(0).writeZero(100);
        publisher.writeAndFlush(new VideoData(0, sid, key));
    }

    @AfterEach
    void stop() {
        if (relays != null) {
            relays.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        owner.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private StreamRegistry localRegistry() {
        StreamRegistry registry = new StreamRegistry(new GopSettings(true, 2048, 32 << 20));
        RtmpChunks chunks = new RtmpChunks(60000);
        registry.encodeEagerly(() -> chunks);
        return registry;
    }

    /** Runs nothing on the (only) loop and waits for it: every task queued there before has run. */
    private void settle() throws Exception {
        group.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void ownerGoneEndsTheRelayOnlyForTheOwnerItFollows() throws Exception {
        String endpoint = dir.resolve("owner.sock").toString();
        directory.answer = new StreamLocation("live", "cam", true, 1, endpoint);
        StreamRegistry registry = localRegistry();
        relays = new RelayManager(registry, group, directory, Duration.ofMinutes(1));
        LiveStream stream = registry.acquire(KEY);
        relays.needPublisher(stream);
        await(stream::hasPublisher, "the relay to go live");
        // The relay attaches, then tells the master: the second may still be under way on its loop.
        settle();
        assertEquals(List.of("locate live/cam", "opened live/cam"), directory.calls);

        // Another process that once published the name (same worker id, new endpoint): not ours.
        relays.unpublished(new StreamGone("live", "cam", 1, dir.resolve("worker-1.g2.sock").toString()));
        settle();
        assertTrue(stream.hasPublisher(), "a report about another owner changes nothing");

        directory.answer = null; // the name is free now
        relays.unpublished(new StreamGone("live", "cam", 1, endpoint));
        await(() -> !stream.hasPublisher(), "the relay to stop feeding the stream");
        await(() -> directory.calls.size() >= 4, "the relay to look for the stream again");
        assertEquals(List.of("locate live/cam", "opened live/cam", "closed live/cam", "locate live/cam"),
                directory.calls);
        registry.release(stream);
    }

    @Test
    void aRelayClosedWhileWaitingLeavesTheMastersWaitingList() throws Exception {
        StreamRegistry registry = localRegistry();
        relays = new RelayManager(registry, group, directory, Duration.ofMinutes(1));
        LiveStream stream = registry.acquire(KEY);
        relays.needPublisher(stream);
        await(() -> directory.calls.contains("locate live/cam"), "the relay to ask the master");
        settle();
        relays.close();
        await(() -> directory.calls.contains("waitCancelled live/cam"), "the relay to cancel its wait");
        assertEquals(List.of("locate live/cam", "waitCancelled live/cam"), directory.calls);
        registry.release(stream);
    }
}
