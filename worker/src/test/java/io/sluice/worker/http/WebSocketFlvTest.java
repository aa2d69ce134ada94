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

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.sluice.worker.http.HttpTestStreams.audioConfig;
import static io.sluice.worker.http.HttpTestStreams.head;
import static io.sluice.worker.http.HttpTestStreams.headEnd;
import static io.sluice.worker.http.HttpTestStreams.keyframe;
import static io.sluice.worker.http.HttpTestStreams.videoConfig;
import static io.sluice.worker.http.HttpTestStreams.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebSocket-FLV on an {@link EmbeddedChannel}: the upgrade on the stream's path (RFC 6455's
 * sample key and accept value), then binary frames that carry the FLV header and tags, the
 * client's close frame, a close of ours (1001 first), a frame over http.max_ws_frame, and
 * play_wait_timeout's close code.
 */
@Timeout(20)
class WebSocketFlvTest {

    private static final String UPGRADE = "GET /live/x.flv HTTP/1.1\r\nHost: server.example\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: https://page.example\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";

    private final StreamRegistry registry = new StreamRegistry(new GopSettings(true, 100, 1 << 20));
    private final List<EmbeddedChannel> channels = new ArrayList<>();

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

    private EmbeddedChannel upgrade(String yaml) throws Exception {
        HttpServerSettings s = HttpServerSettings.from(ConfigLoader.parse(yaml, "test.yaml"));
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerInitializer(() -> s, registry,
                () -> ClusterView.STANDALONE, null));
        channels.add(ch);
        ch.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        return ch;
    }

    private LiveStream live() {
        LiveStream stream = registry.acquire(new StreamKey("live", "x"));
        stream.attach(HttpTestStreams.PUBLISHER);
        videoConfig(stream, 0);
        audioConfig(stream, 0);
        keyframe(stream, 40);
        return stream;
    }

    /** The payloads of the unmasked server frames in {@code b} from {@code from}, checking each is FIN + {@code opcode}. */
    private static List<byte[]> frames(byte[] b, int from, int opcode) {
        List<byte[]> out = new ArrayList<>();
        int i = from;
        while (i < b.length) {
            assertEquals(0x80 | opcode, b[i] & 0xff, "FIN and opcode");
            int len = b[i + 1] & 0x7f;
            assertEquals(0, b[i + 1] & 0x80, "a server's frames are not masked");
            int at = i + 2;
            if (len == 126) {
                len = ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
                at += 2;
            } else if (len == 127) {
                throw new AssertionError("no 64-bit lengths expected in this test");
            }
            byte[] p = new byte[len];
            System.arraycopy(b, at, p, 0, len);
            out.add(p);
            i = at + len;
        }
        return out;
    }

    @Test
    void theUpgradeIsAnsweredThenFlvComesInBinaryFramesStartingWithAKeyframe() throws Exception {
        LiveStream stream = live();
        EmbeddedChannel ch = upgrade("");
        byte[] out = written(ch);
        String head = head(out);
        assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
        assertTrue(head.toLowerCase().contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=\r\n"), head);
        List<byte[]> frames = frames(out, headEnd(out), 2);
        assertEquals(4, frames.size(), "FLV header and three tags, one frame each");
        ByteArrayOutputStream flv = new ByteArrayOutputStream();
        frames.forEach(flv::writeBytes);
        List<HttpTestStreams.Tag> tags = new ArrayList<>();
        assertEquals(0x05, HttpTestStreams.parseFlv(flv.toByteArray(), tags));
        assertEquals(List.of(9, 8, 9), tags.stream().map(HttpTestStreams.Tag::type).toList());
        assertTrue(tags.get(2).isVideoKeyframe());
        assertEquals("ws-flv", Connection.of(ch).protocol());

        keyframe(stream, 80);
        ch.runPendingTasks();
        assertEquals(1, frames(written(ch), 0, 2).size(), "live tags follow, one frame each");
    }

    @Test
    void theClientsCloseFrameIsAnsweredAndTheConnectionClosed() throws Exception {
        live();
        EmbeddedChannel ch = upgrade("");
        written(ch);
        // A masked close frame, code 1000, mask 0: the payload is as it is.
        ch.writeInbound(HttpTestStreams.bytes(0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8));
        ch.runPendingTasks();
        byte[] out = written(ch);
        assertEquals(0x88, out[0] & 0xff, "close frame back");
        assertFalse(ch.isOpen());
        assertEquals(1, registry.size(), "only the publisher's reference is left");
        assertEquals(0, registry.find(new StreamKey("live", "x")).subscriberCount());
    }

    @Test
    void aCloseOfOursSendsGoingAwayFirst() throws Exception {
        live();
        EmbeddedChannel ch = upgrade("");
        written(ch);
        ch.close(); // what bin/ctl kick and the slow-player policy do
        List<byte[]> frames = frames(written(ch), 0, 8);
        assertEquals(1, frames.size(), "one close frame");
        assertEquals(1001, ((frames.get(0)[0] & 0xff) << 8) | (frames.get(0)[1] & 0xff));
        assertFalse(ch.isOpen());
        assertEquals(0, registry.find(new StreamKey("live", "x")).subscriberCount());
    }

    @Test
    void aFrameOverTheLimitClosesTheConnection() throws Exception {
        live();
        EmbeddedChannel ch = upgrade("http:\n  max_ws_frame: 125\n");
        written(ch);
        // A masked binary frame announcing 200 bytes (16-bit length form).
        ch.writeInbound(HttpTestStreams.bytes(0x82, 0x80 | 126, 0, 200, 0, 0, 0, 0));
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(0, registry.find(new StreamKey("live", "x")).subscriberCount());
    }

    @Test
    void aBrokenUpgradeIsRefusedAndClosed() throws Exception {
        HttpServerSettings s = HttpServerSettings.from(ConfigLoader.parse("", "test.yaml"));
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerInitializer(() -> s, registry,
                () -> ClusterView.STANDALONE, null));
        channels.add(ch);
        ch.writeInbound(Unpooled.copiedBuffer("GET /live/x.flv HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        String head = head(written(ch));
        assertTrue(head.startsWith("HTTP/1.1 4"), "no Sec-WebSocket-Key: " + head);
        assertFalse(ch.isOpen());
        assertEquals(0, registry.size(), "no player was started");
    }

    @Test
    void anUnpublishedNameIsClosedWithCode4404AfterPlayWaitTimeout() throws Exception {
        EmbeddedChannel ch = upgrade("players:\n  play_wait_timeout: 1s\n");
        byte[] out = written(ch);
        assertTrue(head(out).startsWith("HTTP/1.1 101 "));
        ch.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        byte[] close = written(ch);
        List<byte[]> frames = frames(close, 0, 8);
        assertEquals(1, frames.size());
        assertEquals(4404, ((frames.get(0)[0] & 0xff) << 8) | (frames.get(0)[1] & 0xff));
        assertFalse(ch.isOpen());
        assertEquals(0, registry.size());
    }
}
