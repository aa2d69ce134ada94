package io.sluice.worker.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP-FLV and WebSocket-FLV from a real worker process: ffmpeg publishes a generated H.264 + AAC
 * stream over RTMP; ffmpeg and ffprobe play it over HTTP; Netty's WebSocket client receives it;
 * a bad request is answered and closed while the players go on.
 */
@Timeout(180)
class HttpFlvIT {

    @TempDir
    static Path dir;
    private static WorkerProcess worker;
    private static Processes processes;
    private static EventLoopGroup group;

    @BeforeAll
    static void startServerAndPublisher() throws Exception {
        Ffmpeg.ffmpeg();
        processes = new Processes();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        worker = WorkerProcess.start(dir, "log:\n  level: debug\n");
        worker.awaitLog("HTTP-FLV listening", 20);
        List<String> publish = TestMedia.publishCommand(90, worker.url("it"));
        processes.start(dir.resolve("publisher.log"), publish);
        worker.awaitLog("publish started", 20);
    }

    @AfterAll
    static void stop() throws Exception {
        processes.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        worker.close();
    }

    private static String httpUrl(String name) {
        return "http://127.0.0.1:" + worker.httpPort() + "/live/" + name + ".flv";
    }

    @Test
    void ffmpegDecodesTheStreamOverHttp() throws Exception {
        Path log = dir.resolve("http-play.log");
        int exit = processes.run(log, Duration.ofSeconds(60), List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                "-i", httpUrl("it"), "-frames:v", "30", "-f", "null", "-"));
        String out = Files.readString(log);
        assertEquals(0, exit, Processes.tail(log, 30));
        assertTrue(out.contains("Video: h264"), out);
        assertTrue(out.contains("Audio: aac"), out);
        assertTrue(out.matches("(?s).*frame=\\s*30\\b.*"), "30 video frames decoded: " + Processes.tail(log, 5));
    }

    @Test
    void ffprobeSeesVideoAndAudioOverHttp() throws Exception {
        Path log = dir.resolve("http-probe.log");
        int exit = processes.run(log, Duration.ofSeconds(30), List.of(Ffmpeg.ffprobe(), "-v", "error",
                "-show_entries", "stream=codec_type,codec_name,width,height", "-of", "csv=p=0", httpUrl("it")));
        String out = Files.readString(log);
        assertEquals(0, exit, out);
        assertTrue(out.contains("h264,video,320,240"), out);
        assertTrue(out.contains("aac,audio"), out);
    }

    @Test
    void aWebSocketClientGetsTheFlvHeaderThenAKeyframe() throws Exception {
        List<byte[]> frames = new CopyOnWriteArrayList<>();
        URI uri = URI.create("ws://127.0.0.1:" + worker.httpPort() + "/live/it.flv");
        Channel ch = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                        .webSocketUri(uri).maxFramePayloadLength(16 << 20).build()),
                                new SimpleChannelInboundHandler<BinaryWebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame f) {
                                        ByteBuf b = f.content();
                                        byte[] a = new byte[b.readableBytes()];
                                        b.getBytes(b.readerIndex(), a);
                                        frames.add(a);
                                    }
                                });
                    }
                }).connect("127.0.0.1", worker.httpPort()).sync().channel();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (videoTags(frames) < 10 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(videoTags(frames) >= 10, "video tags received: " + videoTags(frames));
            byte[] header = frames.get(0);
            assertEquals(13, header.length, "the first frame is the FLV header");
            assertEquals("FLV", new String(header, 0, 3, StandardCharsets.US_ASCII));
            assertEquals(0x05, header[4], "audio and video announced");
            byte[] firstCoded = null;
            for (byte[] tag : frames.subList(1, frames.size())) {
                if (tag[0] == 9 && tag[12] == 1) { // video, AVC NALU (not the sequence header)
                    firstCoded = tag;
                    break;
                }
            }
            assertTrue(firstCoded != null && (firstCoded[11] & 0xf0) == 0x10, "the first coded video frame is a key frame");
        } finally {
            ch.close().sync();
        }
    }

    /** Video tags among the frames after the first (each frame one tag). */
    private static long videoTags(List<byte[]> frames) {
        return frames.stream().skip(1).filter(f -> f.length > 11 && f[0] == 9).count();
    }

    @Test
    void aBadRequestIsAnswered400AndClosedWhilePlayersGoOn() throws Exception {
        try (Socket player = new Socket(InetAddress.getLoopbackAddress(), worker.httpPort());
             Socket bad = new Socket(InetAddress.getLoopbackAddress(), worker.httpPort())) {
            player.getOutputStream().write(("GET /live/it.flv HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = player.getInputStream();
            readAtLeast(in, 4096);
            OutputStream out = bad.getOutputStream();
            out.write("GET /live/../../etc/passwd.flv HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            bad.setSoTimeout(10_000);
            byte[] answer = bad.getInputStream().readAllBytes(); // to the end: the server closed it
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 400 "), text);
            assertTrue(text.toLowerCase().contains("access-control-allow-origin: *"), text);
            readAtLeast(in, 64 * 1024); // the player still receives the stream
        }
        worker.awaitLog("bad HTTP request, answered 400", 10);
    }

    private static void readAtLeast(InputStream in, int bytes) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (got.size() < bytes) {
            int n = in.read(buf);
            assertTrue(n > 0, "stream ended after " + got.size() + " bytes");
            got.write(buf, 0, n);
        }
    }
}
