package io.sluice.worker.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.media.FlvReader;
import io.sluice.worker.media.FlvTag;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.MediaTagReader;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.message.RtmpMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.VideoData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes: a standalone worker JVM, ffmpeg publishing a generated H.264 + AAC stream,
 * ffmpeg and ffprobe playing it back, and the project's RTMP client against the server and
 * against ffmpeg acting as the server.
 */
@Timeout(180)
class FfmpegInteropIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
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
        List<String> publish = TestMedia.publishCommand(60, worker.url("it"));
        processes.start(dir.resolve("publisher.log"), publish);
        worker.awaitLog("publish started", 20);
    }

    @AfterAll
    static void stop() throws Exception {
        processes.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        worker.close();
    }

    @Test
    void ffmpegPlaysAndDecodesTheStream() throws Exception {
        Path progress = dir.resolve("play-progress.txt");
        Path log = dir.resolve("play.log");
        int exit = processes.run(log, Duration.ofSeconds(60), List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                "-i", worker.url("it"), "-t", "4", "-f", "null", "-", "-progress", progress.toString()));
        assertEquals(0, exit, Processes.tail(log, 30));
        int frames = Files.readAllLines(progress).stream().filter(l -> l.startsWith("frame="))
                .mapToInt(l -> Integer.parseInt(l.substring(6).trim())).max().orElse(0);
        // 4 s at 30 fps; a little slack for where decoding started.
        assertTrue(frames >= 100, "decoded video frames: " + frames);
        assertTrue(Files.readString(log).contains("Audio: aac"), "an audio stream was decoded");
    }

    @Test
    void ffprobeSeesVideoAndAudio() throws Exception {
        Path log = dir.resolve("ffprobe.log");
        int exit = processes.run(log, Duration.ofSeconds(30), List.of(Ffmpeg.ffprobe(), "-v", "error",
                "-show_entries", "stream=codec_type,codec_name,width,height", "-of", "csv=p=0", worker.url("it")));
        String out = Files.readString(log);
        assertEquals(0, exit, out);
        assertTrue(out.contains("h264,video,320,240"), out);
        assertTrue(out.contains("aac,audio"), out);
    }

    @Test
    void aPlayerJoiningMidStreamStartsOnAKeyframe() throws Exception {
        for (int i = 0; i < 3; i++) {
            List<MediaTag> video = new CopyOnWriteArrayList<>();
            List<Long> videoTimestamps = new CopyOnWriteArrayList<>();
            List<Long> audioTimestamps = new CopyOnWriteArrayList<>();
            RtmpClient player = RtmpClient.connect(group, new InetSocketAddress("127.0.0.1", worker.port()), "live",
                    "rtmp://127.0.0.1/live", new ClientListener() {
                        @Override
                        public void onMedia(MediaMessage media) {
                            if (media instanceof VideoData) {
                                video.add(MediaTagReader.inspect(9, media.payload()));
                                videoTimestamps.add(media.timestamp());
                            } else {
                                audioTimestamps.add(media.timestamp());
                            }
                        }
                    }, TIMEOUT).get(10, TimeUnit.SECONDS);
            try {
                player.play(player.createStream().get(10, TimeUnit.SECONDS), "it").get(10, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (video.stream().filter(t -> !t.sequenceHeader()).count() < 5 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(video.get(0).sequenceHeader(), "AVC sequence header first");
                MediaTag first = video.stream().filter(t -> !t.sequenceHeader()).findFirst().orElseThrow();
                assertTrue(first.keyframe(), "first coded frame is a key frame: " + first);
                assertNonDecreasing(videoTimestamps);
                assertNonDecreasing(audioTimestamps);
            } finally {
                player.close();
            }
            Thread.sleep(370); // join at different points of the GOP
        }
    }

    @Test
    void ourClientPublishesToFfmpegAsTheServer() throws Exception {
        Path in = dir.resolve("in-publish.flv");
        TestMedia.writeFlv(processes, in, 2);
        int port = FreePorts.next();
        Path out = dir.resolve("received.flv");
        Path log = dir.resolve("ffmpeg-listen.log");
        Process server = processes.start(log, List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner", "-y",
                "-listen", "1", "-i", "rtmp://127.0.0.1:" + port + "/live/x", "-c", "copy", "-f", "flv", out.toString()));
        RtmpClient publisher = connectWithRetry(port);
        int sent = 0;
        try (FlvReader reader = new FlvReader(in)) {
            int sid = publisher.createStream().get(10, TimeUnit.SECONDS);
            publisher.publish(sid, "x").get(10, TimeUnit.SECONDS);
            FlvTag tag;
            while ((tag = reader.next()) != null) {
                if (tag.type() == FlvTag.VIDEO) {
                    sent++;
                }
                long ts = tag.type() == FlvTag.SCRIPT ? 0 : tag.unsignedTimestamp();
                publisher.write(RtmpMessage.fromFlvTag(tag.type(), ts, sid, tag.payload()));
            }
            publisher.flush();
        } finally {
            publisher.close();
        }
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), Processes.tail(log, 20));
        assertEquals(0, server.exitValue(), Processes.tail(log, 20));
        int received = 0;
        try (FlvReader reader = new FlvReader(out)) {
            FlvTag tag;
            while ((tag = reader.next()) != null) {
                if (tag.type() == FlvTag.VIDEO) {
                    received++;
                }
                tag.release();
            }
        }
        // ffmpeg's muxer adds an end-of-sequence tag to what it received.
        assertTrue(received >= sent && received <= sent + 1, "sent " + sent + " video tags, ffmpeg wrote " + received);
    }

    @Test
    void ourClientPlaysFromFfmpegAsTheServer() throws Exception {
        Path in = dir.resolve("in-serve.flv");
        TestMedia.writeFlv(processes, in, 10);
        int port = FreePorts.next();
        processes.start(dir.resolve("ffmpeg-serve.log"), List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner", "-re",
                "-i", in.toString(), "-c", "copy", "-f", "flv", "-listen", "1", "rtmp://127.0.0.1:" + port + "/live/x"));
        List<MediaTag> video = new CopyOnWriteArrayList<>();
        List<String> audio = new CopyOnWriteArrayList<>();
        RtmpClient player = connectWithRetry(port, new ClientListener() {
            @Override
            public void onMedia(MediaMessage media) {
                if (media instanceof VideoData) {
                    video.add(MediaTagReader.inspect(9, media.payload()));
                } else {
                    audio.add("a");
                }
            }
        });
        try {
            player.play(player.createStream().get(10, TimeUnit.SECONDS), "x").get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (video.size() < 60 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            player.close();
        }
        assertTrue(video.size() >= 60, "video messages: " + video.size());
        assertTrue(video.get(0).sequenceHeader(), "sequence header first");
        assertTrue(video.get(1).keyframe(), "then a key frame");
        assertTrue(audio.size() > 30, "audio messages: " + audio.size());
    }

    private static void assertNonDecreasing(List<Long> timestamps) {
        for (int i = 1; i < timestamps.size(); i++) {
            assertTrue(timestamps.get(i) >= timestamps.get(i - 1), "timestamp went back at " + i + ": " + timestamps);
        }
    }

    private static RtmpClient connectWithRetry(int port) throws Exception {
        return connectWithRetry(port, new ClientListener() { });
    }

    /** ffmpeg needs a moment before it listens. */
    private static RtmpClient connectWithRetry(int port, ClientListener listener) throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                return RtmpClient.connect(group, new InetSocketAddress("127.0.0.1", port), "live",
                        "rtmp://127.0.0.1:" + port + "/live", listener, TIMEOUT).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
