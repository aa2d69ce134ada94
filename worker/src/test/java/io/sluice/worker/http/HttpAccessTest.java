package io.sluice.worker.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import io.sluice.worker.access.AccessControl;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.worker.access.Hooks;
import io.sluice.worker.access.HttpAccess;
import io.sluice.worker.access.Verdict;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.StreamKey;
import io.sluice.worker.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.sluice.worker.http.HttpTestStreams.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP-FLV players pass the same access checks as RTMP players, with the query string as arguments. */
class HttpAccessTest {

    private final StreamRegistry registry = new StreamRegistry(new GopSettings(true, 64, 1 << 20));
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<CompletableFuture<Hooks.Answer>> answers = new ArrayList<>();
    private final List<Map<String, String>> forms = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (EmbeddedChannel ch : channels) {
            ch.close();
            written(ch);
            ch.finishAndReleaseAll();
        }
        for (LiveStream s : registry.all()) {
            while (registry.find(s.key()) != null) {
                registry.release(s);
            }
        }
    }

    private EmbeddedChannel request(String yaml, String path) throws Exception {
        return request(yaml, path, null);
    }

    private EmbeddedChannel request(String yaml, String path, java.nio.file.Path hlsRoot) throws Exception {
        SluiceConfig config = ConfigLoader.parse(yaml, "t.yaml");
        AccessControl access = new AccessControl(config, () -> (url, form, timeout) -> {
            CompletableFuture<Hooks.Answer> f = new CompletableFuture<>();
            answers.add(f);
            forms.add(form);
            return f;
        }, System::nanoTime, () -> System.currentTimeMillis() / 1000);
        HttpServerSettings s = HttpServerSettings.from(config);
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerInitializer(() -> s, registry,
                () -> ClusterView.STANDALONE, null, access, hlsRoot, null));
        channels.add(ch);
        ch.writeInbound(Unpooled.copiedBuffer("GET " + path + " HTTP/1.1\r\nHost: tv\r\nReferer: http://page/\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        return ch;
    }

    private static String text(EmbeddedChannel ch) {
        return new String(written(ch), StandardCharsets.ISO_8859_1);
    }

    @Test
    void anOnPlayHookSeesTheQueryAndItsRenameIsPlayed() throws Exception {
        EmbeddedChannel ch = request("hooks:\n  on_play: http://127.0.0.1:9/play\n", "/live/secret.flv?token=t%201");
        assertEquals(0, written(ch).length, "nothing is answered while the hook decides");
        Map<String, String> form = forms.get(0);
        assertEquals("play", form.get("call"));
        assertEquals("secret", form.get("name"));
        assertEquals("t 1", form.get("token"));
        assertEquals("http://tv/live/secret.flv", form.get("tcurl"));
        assertEquals("http://page/", form.get("pageurl"));
        answers.get(0).complete(new Hooks.Answer(302, "public"));
        ch.runPendingTasks();
        assertNotNull(registry.find(new StreamKey("live", "public")), "the player waits for the renamed stream");
        assertNull(registry.find(new StreamKey("live", "secret")));
        assertTrue(ch.isOpen());
    }

    @Test
    void hlsPlaylistsAndSegmentsPassTheSameChecks(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root)
            throws Exception {
        java.nio.file.Files.createDirectories(root.resolve("live/cam"));
        java.nio.file.Files.writeString(root.resolve("live/cam/index.m3u8"), "#EXTM3U\n");
        // A known app is served; an unknown one is refused for its playlists and segments alike.
        assertTrue(text(request("", "/live/cam/index.m3u8", root)).startsWith("HTTP/1.1 200 "));
        assertTrue(text(request("", "/other/cam/index.m3u8", root)).startsWith("HTTP/1.1 404 "));
        assertTrue(text(request("", "/other/cam/seg-1.ts", root)).startsWith("HTTP/1.1 404 "));
        EmbeddedChannel hooked = request("hooks:\n  on_play: http://127.0.0.1:9/play\n", "/live/cam/index.m3u8?k=v", root);
        assertEquals(0, written(hooked).length, "nothing is answered while the hook decides");
        assertEquals("cam", forms.get(0).get("name"));
        assertEquals("v", forms.get(0).get("k"));
        answers.get(0).complete(new Hooks.Answer(403, ""));
        hooked.runPendingTasks();
        assertTrue(text(hooked).startsWith("HTTP/1.1 403 "), "a hook's refusal refuses the request");
    }

    @Test
    void aRequestThatIsNotASessionTakesNoPlace() throws Exception {
        AccessControl access = new AccessControl(ConfigLoader.parse("apps:\n  live:\n    max_players_per_stream: 1\n",
                "t.yaml"), () -> null, System::nanoTime, () -> 0L);
        EmbeddedChannel ch = new EmbeddedChannel();
        channels.add(ch);
        HttpRequest get = new DefaultHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/live/cam/index.m3u8?t=1");
        for (int i = 0; i < 3; i++) {
            Verdict v = HttpAccess.request(access, ch, get, "live", "cam")
                    .join();
            assertEquals(new Verdict.Allowed("cam"), v, "request " + i);
        }
        Verdict session = HttpAccess.play(access, ch, get, "live", "cam")
                .join();
        assertTrue(session instanceof Verdict.Allowed a && a.admission() != null);
        assertTrue(HttpAccess.request(access, ch, get, "live", "cam").join()
                instanceof Verdict.Refused, "at the limit, a request is refused too");
    }

    @Test
    void refusalsHaveTheirStatus() throws Exception {
        EmbeddedChannel denied = request("hooks:\n  on_play: http://127.0.0.1:9/play\n", "/live/x.flv");
        answers.get(0).complete(new Hooks.Answer(403, null));
        denied.runPendingTasks();
        String out = text(denied);
        assertTrue(out.startsWith("HTTP/1.1 403 "), out);
        assertTrue(out.contains("on_play answered 403"), out);
        assertFalse(denied.isOpen());

        String unknown = text(request("workers: 1\n", "/other/x.flv"));
        assertTrue(unknown.startsWith("HTTP/1.1 404 "), unknown);
        String rule = text(request("apps:\n  live:\n    play: [deny all]\n", "/live/x.flv"));
        assertTrue(rule.startsWith("HTTP/1.1 403 "), rule);
        String limit = text(request("apps:\n  live:\n    max_players_per_stream: 1\n", "/live/x.flv"));
        assertTrue(limit.startsWith("HTTP/1.1 200 ") || limit.isEmpty(), "the first player is admitted: " + limit);
        assertEquals(0, registry.all().stream().filter(s -> s.key().name().equals("other")).count());
    }
}
