package io.sluice.worker.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.common.config.ConfigLoader;
import io.sluice.worker.net.Connection;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.StreamKey;
import io.sluice.worker.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static io.sluice.worker.http.HttpTestStreams.audio;
import static io.sluice.worker.http.HttpTestStreams.audioConfig;
import static io.sluice.worker.http.HttpTestStreams.dechunk;
import static io.sluice.worker.http.HttpTestStreams.head;
import static io.sluice.worker.http.HttpTestStreams.headEnd;
import static io.sluice.worker.http.HttpTestStreams.interframe;
import static io.sluice.worker.http.HttpTestStreams.keyframe;
import static io.sluice.worker.http.HttpTestStreams.metadata;
import static io.sluice.worker.http.HttpTestStreams.tags;
import static io.sluice.worker.http.HttpTestStreams.videoConfig;
import static io.sluice.worker.http.HttpTestStreams.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP side of a worker on an {@link EmbeddedChannel}: routing and every bad request (status,
 * CORS header, connection closed), the CORS preflight, HEAD, and HTTP-FLV answers (FLV header
 * flags, what comes first, chunk framing, play-before-publish and play_wait_timeout).
 */
@Timeout(20)
class HttpRequestHandlerTest {

    private final StreamRegistry registry = new StreamRegistry(new GopSettings(true, 100, 1 << 20));
    private final List<StreamKey> needed = new ArrayList<>();
    private final ClusterView cluster = new ClusterView() {
        @Override
        public CompletionStage<Claim> claim(StreamKey key) {
            return CompletableFuture.completedFuture(Claim.GRANTED);
        }

        @Override
        public void release(StreamKey key) {
        }

        @Override
        public void needPublisher(LiveStream stream) {
            needed.add(stream.key());
        }
    };

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    /** Closes every channel and ends every stream, so that paranoid leak detection sees everything released. */
    @AfterEach
    void cleanUp() {
        for (EmbeddedChannel ch : channels) {
            ch.close();
            written(ch);
            ch.finishAndReleaseAll();
        }
        for (LiveStream s : registry.all()) {
            s.detach(HttpTestStreams.PUBLISHER);
            while (registry.find(s.key()) != null) {
                registry.release(s);
            }
        }
    }

    private EmbeddedChannel channel(String yaml) throws Exception {
        HttpServerSettings s = HttpServerSettings.from(ConfigLoader.parse(yaml, "test.yaml"));
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerInitializer(() -> s, registry, () -> cluster, null));
        channels.add(ch);
        return ch;
    }

    private EmbeddedChannel request(String yaml, String request) throws Exception {
        EmbeddedChannel ch = channel(yaml);
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        return ch;
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: example\r\n\r\n";
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "POST /live/x.flv HTTP/1.1            | 405",
            "PUT /live/x.flv HTTP/1.1             | 405",
            "GET /live/x.mp4 HTTP/1.1             | 404",
            "GET / HTTP/1.1                       | 404",
            "GET /x.flv HTTP/1.1                  | 404",
            "GET /live/.flv HTTP/1.1              | 404",
            "GET /live//x.flv HTTP/1.1            | 404",
            "GET /live/../x.flv HTTP/1.1          | 400",
            "GET /live/%2e%2e/x.flv HTTP/1.1      | 400",
            "GET /../live/x.flv HTTP/1.1          | 400",
            "GET /live/a%00b.flv HTTP/1.1         | 400",
            "GET /live/a%0d%0ab.flv HTTP/1.1      | 400",
            "GET /live/a%2fb.flv HTTP/1.1         | 400",
            "GET /live/a%5cb.flv HTTP/1.1         | 400",
            "GET /live/a%zzb.flv HTTP/1.1         | 400",
            "GET live/x.flv HTTP/1.1              | 400",
            "HELLO                                | 400",
            "GET /live/x.flv HTTP/9.9             | 505",
    })
    void badRequestsGetTheirStatusAndAreClosed(String line, int status) throws Exception {
        EmbeddedChannel ch = request("", line.strip() + "\r\nHost: example\r\n\r\n");
        String head = head(written(ch));
        assertTrue(head.startsWith("HTTP/1.1 " + status + " "), head);
        assertTrue(head.contains("access-control-allow-origin: *\r\n"), head);
        assertTrue(head.contains("connection: close\r\n"), head);
        if (status == 405) {
            assertTrue(head.contains("allow: GET, HEAD, OPTIONS\r\n"), head);
        }
        assertFalse(ch.isOpen(), "closed after the answer");
        assertEquals(0, registry.size(), "no stream touched");
        assertFalse(ch.finish());
    }

    @Test
    void requestLineOverTheLimitIs414() throws Exception {
        EmbeddedChannel ch = request("http:\n  max_request_line: 256\n", get("/live/" + "a".repeat(300) + ".flv"));
        String head = head(written(ch));
        assertTrue(head.startsWith("HTTP/1.1 414 "), head);
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void headersOverTheLimitAre431() throws Exception {
        EmbeddedChannel ch = request("http:\n  max_header_size: 1KiB\n",
                "GET /live/x.flv HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n");
        String head = head(written(ch));
        assertTrue(head.startsWith("HTTP/1.1 431 "), head);
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void aRequestThatNeverCompletesIsClosedAfterTheRequestTimeout() throws Exception {
        EmbeddedChannel ch = request("http:\n  request_timeout: 1s\n", "GET /live/x.flv HTTP/1.1\r\nHost: a\r\n");
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(0, written(ch).length, "nothing answered");
        assertFalse(ch.finish());
    }

    @Test
    void preflightIsAnswered204WithTheCorsHeaders() throws Exception {
        EmbeddedChannel ch = request("http:\n  cors_origin: https://page.example\n",
                "OPTIONS /live/x.flv HTTP/1.1\r\nHost: a\r\nOrigin: https://page.example\r\n"
                        + "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: range\r\n\r\n");
        String head = head(written(ch));
        assertTrue(head.startsWith("HTTP/1.1 204 "), head);
        assertTrue(head.contains("access-control-allow-origin: https://page.example\r\n"), head);
        assertTrue(head.contains("access-control-allow-methods: GET, HEAD, OPTIONS\r\n"), head);
        assertTrue(head.contains("access-control-allow-headers: range\r\n"), head);
        assertTrue(head.contains("vary: origin\r\n"), head);
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void headAnswersTheHeadOfAnFlvAnswer() throws Exception {
        EmbeddedChannel ch = request("", "HEAD /live/x.flv HTTP/1.1\r\nHost: a\r\n\r\n");
        byte[] out = written(ch);
        String head = head(out);
        assertTrue(head.startsWith("HTTP/1.1 200 "), head);
        assertTrue(head.contains("content-type: video/x-flv\r\n"), head);
        assertEquals(headEnd(out), out.length, "no body");
        assertFalse(ch.isOpen());
        assertEquals(0, registry.size());
        assertFalse(ch.finish());
    }

    @Test
    void aLiveStreamStartsWithHeaderMetadataSequenceHeadersAndAKeyframe() throws Exception {
        LiveStream stream = registry.acquire(new StreamKey("live", "x"));
        stream.attach(HttpTestStreams.PUBLISHER);
        metadata(stream);
        videoConfig(stream, 0);
        audioConfig(stream, 0);
        interframe(stream, 10); // before the first key frame: not in the GOP cache
        keyframe(stream, 40);
        audio(stream, 45);
        interframe(stream, 73);

        EmbeddedChannel ch = request("", get("/live/x.flv?token=abc"));
        byte[] out = written(ch);
        String head = head(out);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("content-type: video/x-flv\r\n"), head);
        assertTrue(head.contains("transfer-encoding: chunked\r\n"), head);
        assertTrue(head.contains("cache-control: no-cache\r\n"), head);
        assertTrue(head.contains("access-control-allow-origin: *\r\n"), head);
        List<HttpTestStreams.Tag> tags = new ArrayList<>();
        int flags = HttpTestStreams.parseFlv(dechunk(out, headEnd(out)), tags);
        assertEquals(0x05, flags, "audio and video");
        assertEquals(List.of(18, 9, 8, 9, 8, 9), tags.stream().map(HttpTestStreams.Tag::type).toList());
        assertTrue(tags.get(3).isVideoKeyframe(), "the first video frame is a key frame");
        assertEquals(40, tags.get(3).timestamp());

        keyframe(stream, 100);
        ch.runPendingTasks();
        List<HttpTestStreams.Tag> live = tags(prefixHeader(dechunk(written(ch), 0)));
        assertEquals(1, live.size());
        assertEquals(100, live.get(0).timestamp());
        assertEquals("http-flv", Connection.of(ch).protocol());
        assertEquals(Connection.Role.PLAYER, Connection.of(ch).role());

        ch.close();
        assertEquals(0, stream.subscriberCount(), "unsubscribed at close");
        registry.release(stream);
        assertEquals(0, registry.size(), "and released");
        assertFalse(ch.finish());
    }

    /** An FLV header before bare tags, so the parser reads them. */
    private static byte[] prefixHeader(byte[] tags) {
        byte[] out = new byte[13 + tags.length];
        System.arraycopy(new byte[] {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0}, 0, out, 0, 13);
        System.arraycopy(tags, 0, out, 13, tags.length);
        return out;
    }

    @Test
    void theHeaderAnnouncesOnlyTheTracksTheStreamHas() throws Exception {
        LiveStream video = registry.acquire(new StreamKey("live", "v"));
        video.attach(HttpTestStreams.PUBLISHER);
        videoConfig(video, 0);
        keyframe(video, 0);
        LiveStream sound = registry.acquire(new StreamKey("live", "a"));
        sound.attach(HttpTestStreams.PUBLISHER);
        audioConfig(sound, 0);
        audio(sound, 0);

        byte[] v = written(request("", get("/live/v.flv")));
        assertEquals(0x01, HttpTestStreams.parseFlv(dechunk(v, headEnd(v)), new ArrayList<>()), "video only");
        EmbeddedChannel ch = request("", get("/live/a.flv"));
        audio(sound, 23); // no GOP cache without video: the header waits for the first audio frame
        ch.runPendingTasks();
        byte[] a = written(ch);
        assertEquals(0x04, HttpTestStreams.parseFlv(dechunk(a, headEnd(a)), new ArrayList<>()), "audio only");
    }

    @Test
    void http10GetsTheBodyUntilCloseWithoutChunks() throws Exception {
        LiveStream stream = registry.acquire(new StreamKey("live", "x"));
        stream.attach(HttpTestStreams.PUBLISHER);
        videoConfig(stream, 0);
        keyframe(stream, 0);
        byte[] out = written(request("", "GET /live/x.flv HTTP/1.0\r\n\r\n"));
        String head = head(out);
        assertTrue(head.startsWith("HTTP/1.0 200 OK\r\n"), head);
        assertFalse(head.contains("transfer-encoding"), head);
        byte[] flv = java.util.Arrays.copyOfRange(out, headEnd(out), out.length);
        assertEquals(2, tags(flv).size());
    }

    @Test
    void playBeforePublishWaitsThenStartsOnAKeyframe() throws Exception {
        EmbeddedChannel ch = request("", get("/live/later.flv"));
        assertEquals(0, written(ch).length, "nothing before the stream is live");
        assertEquals(List.of(new StreamKey("live", "later")), needed, "asked the cluster for a publisher");
        LiveStream stream = registry.find(new StreamKey("live", "later"));
        stream.attach(HttpTestStreams.PUBLISHER);
        videoConfig(stream, 0);
        audioConfig(stream, 0);
        interframe(stream, 5);
        keyframe(stream, 40);
        ch.runPendingTasks();
        byte[] out = written(ch);
        assertTrue(head(out).startsWith("HTTP/1.1 200 OK\r\n"), head(out));
        List<HttpTestStreams.Tag> tags = new ArrayList<>();
        assertEquals(0x05, HttpTestStreams.parseFlv(dechunk(out, headEnd(out)), tags));
        assertEquals(List.of(9, 8, 9), tags.stream().map(HttpTestStreams.Tag::type).toList(),
                "the inter frame before the key frame is skipped");
        assertTrue(tags.get(2).isVideoKeyframe());
        ch.close();
        assertFalse(ch.finish());
    }

    @Test
    void anUnpublishedNameIs404AfterPlayWaitTimeout() throws Exception {
        EmbeddedChannel ch = request("players:\n  play_wait_timeout: 2s\n", get("/live/nobody.flv"));
        ch.advanceTimeBy(1900, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        assertEquals(0, written(ch).length);
        ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        String head = head(written(ch));
        assertTrue(head.startsWith("HTTP/1.1 404 "), head);
        assertFalse(ch.isOpen());
        assertEquals(0, registry.size(), "the stream was released");
        assertFalse(ch.finish());
    }

    @Test
    void timestampsNeverGoBackwardsAcrossARepublish() throws Exception {
        LiveStream stream = registry.acquire(new StreamKey("live", "r"));
        stream.attach(HttpTestStreams.PUBLISHER);
        videoConfig(stream, 5000);
        keyframe(stream, 5000);
        interframe(stream, 5040);
        EmbeddedChannel ch = request("", get("/live/r.flv"));
        stream.detach(HttpTestStreams.PUBLISHER);
        stream.attach(HttpTestStreams.PUBLISHER);
        videoConfig(stream, 0);
        keyframe(stream, 0);
        interframe(stream, 40);
        ch.runPendingTasks();
        byte[] out = written(ch);
        List<HttpTestStreams.Tag> tags = new ArrayList<>();
        HttpTestStreams.parseFlv(dechunk(out, headEnd(out)), tags);
        assertEquals(6, tags.size());
        for (int i = 1; i < tags.size(); i++) {
            assertTrue(tags.get(i).timestamp() >= tags.get(i - 1).timestamp(), "tag " + i + ": " + tags);
        }
        assertTrue(ch.isOpen(), "the answer goes on across the republish");
        ch.close();
        registry.release(stream);
        assertFalse(ch.finish());
    }

    @Test
    void everyPlayerGetsTheSameBufferForAFrameEncodedOnce() throws Exception {
        LiveStream stream = registry.acquire(new StreamKey("live", "s"));
        stream.attach(HttpTestStreams.PUBLISHER);
        videoConfig(stream, 0);
        keyframe(stream, 0);
        EmbeddedChannel a = request("", get("/live/s.flv"));
        EmbeddedChannel b = request("", get("/live/s.flv"));
        written(a);
        written(b);
        // 0x01020304 ms: the timestamp's top byte goes to TimestampExtended.
        stream.publishMedia(HttpTestStreams.PUBLISHER, io.sluice.worker.stream.MediaFrame.Kind.VIDEO, 0x01020304L,
                HttpTestStreams.bytes(0x17, 1, 0, 0, 0));
        a.runPendingTasks();
        b.runPendingTasks();
        io.netty.buffer.ByteBuf fromA = a.readOutbound();
        io.netty.buffer.ByteBuf fromB = b.readOutbound();
        try {
            assertTrue(fromA.hasMemoryAddress() && fromB.hasMemoryAddress());
            assertEquals(fromA.memoryAddress() + fromA.readerIndex(), fromB.memoryAddress() + fromB.readerIndex(),
                    "one buffer for both players: encoded once, shared");
            // One HTTP chunk: size 0x14 (11 + 5 + 4), the tag (type 9, size 5, timestamp 0x020304 with
            // 0x01 extended, stream id 0), the body, PreviousTagSize 16, CRLF.
            assertEquals("31340d0a" + "09" + "000005" + "020304" + "01" + "000000" + "1701000000" + "00000010" + "0d0a",
                    io.netty.buffer.ByteBufUtil.hexDump(fromA));
        } finally {
            fromA.release();
            fromB.release();
        }
    }

    @Test
    void aSlowPlayerLosesVideoToTheNextKeyframeAndIsDisconnectedAfterSlowTimeout() throws Exception {
        LiveStream stream = registry.acquire(new StreamKey("live", "slow"));
        stream.attach(HttpTestStreams.PUBLISHER);
        videoConfig(stream, 0);
        audioConfig(stream, 0);
        keyframe(stream, 0);
        EmbeddedChannel ch = request("players:\n  slow_timeout: 2s\n", get("/live/slow.flv"));
        written(ch);
        // Over the high mark, as a player that stopped reading would be.
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        interframe(stream, 33);
        audio(stream, 40);
        keyframe(stream, 66);
        ch.runPendingTasks();
        List<HttpTestStreams.Tag> whileSlow = tags(prefixHeader(dechunk(written(ch), 0)));
        assertEquals(List.of(8), whileSlow.stream().map(HttpTestStreams.Tag::type).toList(),
                "audio still goes, video is dropped");

        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        interframe(stream, 99);
        keyframe(stream, 133);
        ch.runPendingTasks();
        List<HttpTestStreams.Tag> after = tags(prefixHeader(dechunk(written(ch), 0)));
        assertEquals(1, after.size(), "video resumes at the next key frame, not before: " + after);
        assertTrue(after.get(0).isVideoKeyframe());

        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        audio(stream, 140);
        ch.runPendingTasks();
        ch.advanceTimeBy(2001, TimeUnit.MILLISECONDS);
        audio(stream, 160);
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "disconnected: slow for players.slow_timeout");
        assertEquals(0, stream.subscriberCount());
    }

    @Test
    void aSettingsDurationIsUsedAsConfigured() throws Exception {
        HttpServerSettings s = HttpServerSettings.from(ConfigLoader.parse("http:\n  request_timeout: 3s\n", "t"));
        assertEquals(Duration.ofSeconds(3), s.requestTimeout());
    }
}
