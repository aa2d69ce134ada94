package io.sluice.master.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the ITs that publish and play with the test's own RTMP clients share, as a JUnit
 * extension ({@code @RegisterExtension static final TestClients CLIENTS = new TestClients();}):
 * a generated 4 s FLV to publish (made by ffmpeg, so the test class fails when ffmpeg is missing)
 * and an event loop group for the clients. Made before the class's first test, closed and
 * deleted after its last.
 */
final class TestClients implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private Path flv;
    private EventLoopGroup group;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Ffmpeg.ffmpeg();
        dir = Files.createTempDirectory("sluice-it-media");
        flv = dir.resolve("test.flv");
        try (Processes processes = new Processes()) {
            TestMedia.writeFlv(processes, flv, 4);
        }
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The generated FLV: 4 s of H.264 + AAC. */
    Path flv() {
        return flv;
    }

    /** The event loops the test's clients run on. */
    EventLoopGroup group() {
        return group;
    }
}
