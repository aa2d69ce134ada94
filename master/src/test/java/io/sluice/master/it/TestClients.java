package io.sluice.master.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the ITs that publish and play with the test's own RTMP clients share: a generated 4 s FLV
 * to publish (made by ffmpeg, so the test fails when ffmpeg is missing) and an event loop group
 * for the clients. Made once per test class, closed after it.
 */
final class TestClients implements AutoCloseable {

    private final Path flv;
    private final EventLoopGroup group;

    private TestClients(Path flv, EventLoopGroup group) {
        this.flv = flv;
        this.group = group;
    }

    /** Writes the FLV into {@code dir} and starts the clients' event loops. */
    static TestClients start(Path dir) throws Exception {
        Ffmpeg.ffmpeg();
        Path flv = dir.resolve("test.flv");
        try (Processes processes = new Processes()) {
            TestMedia.writeFlv(processes, flv, 4);
        }
        return new TestClients(flv, new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory()));
    }

    Path flv() {
        return flv;
    }

    EventLoopGroup group() {
        return group;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
