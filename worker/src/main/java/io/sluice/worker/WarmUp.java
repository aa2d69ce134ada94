package io.sluice.worker;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.ProtocolWarmUp;
import io.sluice.worker.http.HttpListener;
import io.sluice.worker.http.HttpServerSettings;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.message.AudioData;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.VideoData;
import io.sluice.worker.rtmp.server.RtmpListener;
import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.runtime.WorkerRuntime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A short training run for the class-data-sharing archive of the worker JVMs: serves one
 * publish and one play on a loopback port and runs the channel's JSON paths, so that the classes
 * a worker needs at start are loaded, then exits. An HTTP-FLV player joins too, so the first
 * browser of a fresh worker does not pay for loading the HTTP codec either. Run with {@code -XX:ArchiveClassesAtExit}, the
 * JVM writes those classes to an archive that later workers map instead of loading and verifying
 * them again: a worker starts in about half the CPU time (master's {@code WorkerCds}).
 */
final class WarmUp {

    private WarmUp() {
    }

    static int run() throws Exception {
        SluiceConfig config = SluiceConfig.defaults();
        ProtocolWarmUp.run(config, "/tmp/warm-up.sock");
        WorkerRuntime runtime = WorkerRuntime.from(config, 1);
        RtmpListener rtmp = new RtmpListener(runtime, SessionSettings.from(config));
        HttpListener http = new HttpListener(runtime, HttpServerSettings.from(config));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            InetSocketAddress address = rtmp.bind("127.0.0.1", 0);
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", address.getPort());
            String url = "rtmp://127.0.0.1:" + address.getPort() + "/live";
            RtmpClient publisher = RtmpClient.connect(group, target, "live", url, new ClientListener() { },
                    Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
            publisher.publish(publisher.createStream().get(10, TimeUnit.SECONDS), "warm-up").get(10, TimeUnit.SECONDS);
            CountDownLatch received = new CountDownLatch(2);
            RtmpClient player = RtmpClient.connect(group, target, "live", url, new ClientListener() {
                @Override
                public void onMedia(MediaMessage media) {
                    received.countDown();
                }
            }, Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
            player.play(player.createStream().get(10, TimeUnit.SECONDS), "warm-up").get(10, TimeUnit.SECONDS);
            // An AVC sequence header, a key frame and an AAC frame.
            publisher.write(new VideoData(0, 1, Unpooled.wrappedBuffer(new byte[] {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f})));
            publisher.write(new VideoData(0, 1, Unpooled.wrappedBuffer(new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65})));
            publisher.writeAndFlush(new AudioData(0, 1, Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 1, 0x21})));
            received.await(10, TimeUnit.SECONDS);
            playHttpFlv(http.bind("127.0.0.1", 0).getPort());
            runtime.load();
            runtime.dump(true);
            runtime.dump(false);
            player.close();
            publisher.close();
            return 0;
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
            runtime.close();
        }
    }

    /** Reads the head of the live stream over HTTP-FLV: the response headers and the FLV header. */
    private static void playHttpFlv(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /live/warm-up.flv HTTP/1.1\r\nHost: warm-up\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = new String(socket.getInputStream().readNBytes(64), StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IOException("warm-up HTTP-FLV play answered: " + head.lines().findFirst().orElse(""));
            }
        }
    }
}
