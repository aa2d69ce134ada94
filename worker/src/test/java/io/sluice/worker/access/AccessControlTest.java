package io.sluice.worker.access;

import io.sluice.common.access.UrlSignature;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import io.sluice.worker.LogCapture;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessControlTest {

    private static final long NOW = 1_800_000_000L;
    private static final String SECRET = "0123456789abcdef-secret";

    /** A back-end the test answers by hand: each post waits in {@link #calls}. */
    static final class FakeHooks implements Hooks {
        record Post(String url, Map<String, String> form, Duration timeout, CompletableFuture<Answer> answer) {
        }

        final LinkedBlockingQueue<Post> calls = new LinkedBlockingQueue<>();

        @Override
        public CompletableFuture<Answer> post(String url, Map<String, String> form, Duration timeout) {
            CompletableFuture<Answer> f = new CompletableFuture<>();
            calls.add(new Post(url, form, timeout, f));
            return f;
        }

        Post next() throws InterruptedException {
            Post p = calls.poll(5, TimeUnit.SECONDS);
            assertNotNull(p, "a hook was called");
            return p;
        }
    }

    private final FakeHooks hooks = new FakeHooks();
    private final AtomicLong nanos = new AtomicLong();

    private AccessControl access(String yaml) throws ConfigException {
        SluiceConfig config = ConfigLoader.parse(yaml, "t.yaml");
        return new AccessControl(config, () -> hooks, nanos::get, () -> NOW);
    }

    private static Client client(String address) throws IOException {
        return new Client("c1", InetAddress.getByName(address), "rtmp://h/live", "", "", "FMLE/3.0");
    }

    private static Verdict now(CompletableFuture<Verdict> f) {
        assertTrue(f.isDone(), "decided without a hook");
        return f.join();
    }

    @Test
    void unknownAppsAreRefusedAndCounted() throws Exception {
        AccessControl a = access("workers: 1\n");
        assertTrue(a.serves("live"));
        assertFalse(a.serves("other"));
        Verdict.Refused r = assertInstanceOf(Verdict.Refused.class,
                now(a.check(Call.CONNECT, client("127.0.0.1"), "other", null, Map.of())));
        assertEquals(Refusal.UNKNOWN_APP, r.why());
        assertTrue(r.description().contains("'other' is not served"), r.description());
        assertEquals(new Verdict.Allowed("cam"), now(a.check(Call.PUBLISH, client("127.0.0.1"), "live", "cam", Map.of())));
        assertEquals(1, a.refusedCount(Refusal.UNKNOWN_APP));
        assertEquals(Map.of("unknown_app", 1L), a.refusedCounts());
    }

    @Test
    void rulesDecidePublishAndPlaySeparately() throws Exception {
        AccessControl a = access("apps:\n  live:\n    publish: [allow 127.0.0.1, deny all]\n    play: [deny 10.0.0.0/8]\n");
        assertInstanceOf(Verdict.Allowed.class, now(a.check(Call.PUBLISH, client("127.0.0.1"), "live", "x", Map.of())));
        Verdict.Refused r = assertInstanceOf(Verdict.Refused.class,
                now(a.check(Call.PUBLISH, client("192.0.2.7"), "live", "x", Map.of())));
        assertEquals(Refusal.RULE, r.why());
        assertEquals("Publishing live/x is not allowed from 192.0.2.7.", r.description());
        assertInstanceOf(Verdict.Allowed.class, now(a.check(Call.PLAY, client("192.0.2.7"), "live", "x", Map.of())));
        assertInstanceOf(Verdict.Refused.class, now(a.check(Call.PLAY, client("10.1.2.3"), "live", "x", Map.of())));
        assertInstanceOf(Verdict.Allowed.class, now(a.check(Call.CONNECT, client("10.1.2.3"), "live", null, Map.of())),
                "rules are for publish and play, as nginx-rtmp's");
    }

    @Test
    void signedUrlsForTheActionsThatNeedThem() throws Exception {
        AccessControl a = access("apps:\n  live:\n    secrets: [" + SECRET + "]\n    signed: play\n");
        String sig = UrlSignature.sign("live", "cam", NOW + 60, SECRET);
        Map<String, String> good = Map.of("expires", "" + (NOW + 60), "sig", sig);
        assertInstanceOf(Verdict.Allowed.class, now(a.check(Call.PLAY, client("::1"), "live", "cam", good)));
        Verdict.Refused other = assertInstanceOf(Verdict.Refused.class,
                now(a.check(Call.PLAY, client("::1"), "live", "cam2", good)));
        assertEquals(Refusal.SIGNATURE, other.why());
        assertTrue(other.description().contains("does not match"), other.description());
        assertTrue(((Verdict.Refused) now(a.check(Call.PLAY, client("::1"), "live", "cam", Map.of()))).description()
                .contains("no signature"));
        assertInstanceOf(Verdict.Allowed.class, now(a.check(Call.PUBLISH, client("::1"), "live", "cam", Map.of())),
                "publish needs no signature here");
        String old = UrlSignature.sign("live", "cam", NOW - 1, SECRET);
        assertTrue(((Verdict.Refused) now(a.check(Call.PLAY, client("::1"), "live", "cam",
                Map.of("expires", "" + (NOW - 1), "sig", old)))).description().contains("expired"));
    }

    @Test
    @Timeout(10)
    void aHookAllowsRenamesAndDenies() throws Exception {
        AccessControl a = access("hooks:\n  on_publish: http://127.0.0.1:9/pub\n");
        CompletableFuture<Verdict> v = a.check(Call.PUBLISH, client("127.0.0.1"), "live", "secret",
                Map.of("key", "k 1", "addr", "spoofed"));
        assertFalse(v.isDone(), "waits for the back-end");
        FakeHooks.Post post = hooks.next();
        assertEquals("http://127.0.0.1:9/pub", post.url());
        assertEquals(List.of("call", "app", "name", "addr", "clientid", "tcurl", "pageurl", "swfurl", "flashver",
                "type", "key"), new ArrayList<>(post.form().keySet()));
        assertEquals("publish", post.form().get("call"));
        assertEquals("127.0.0.1", post.form().get("addr"), "a client's argument cannot replace a field");
        assertEquals("k 1", post.form().get("key"));
        assertEquals(Duration.ofSeconds(5), post.timeout());
        post.answer().complete(new Hooks.Answer(302, "public"));
        assertEquals(new Verdict.Allowed("public"), v.get(5, TimeUnit.SECONDS));

        v = a.check(Call.PUBLISH, client("127.0.0.1"), "live", "x", Map.of());
        hooks.next().answer().complete(new Hooks.Answer(301, "rtmp://example.com:1935/live/renamed/deep"));
        assertEquals(new Verdict.Allowed("renamed/deep"), v.get(5, TimeUnit.SECONDS));

        v = a.check(Call.PUBLISH, client("127.0.0.1"), "live", "x", Map.of());
        hooks.next().answer().complete(new Hooks.Answer(204, null));
        assertEquals(new Verdict.Allowed("x"), v.get(5, TimeUnit.SECONDS));

        v = a.check(Call.PUBLISH, client("127.0.0.1"), "live", "x", Map.of());
        hooks.next().answer().complete(new Hooks.Answer(403, null));
        Verdict.Refused r = assertInstanceOf(Verdict.Refused.class, v.get(5, TimeUnit.SECONDS));
        assertEquals(Refusal.HOOK, r.why());
        assertEquals("Publishing live/x was refused (on_publish answered 403).", r.description());
    }

    @Test
    @Timeout(10)
    void aHookThatFailsDeniesWithOneLogLine() throws Exception {
        AccessControl a = access("hooks:\n  on_play: http://127.0.0.1:9/play\n  timeout: 2s\n");
        Object[][] failures = {
            {new Hooks.Answer(302, "http://127.0.0.1:9/play"), "not a stream name"},   // a redirect loop
            {new Hooks.Answer(302, "rtmp://h/other/x"), "not a stream name"},          // another app
            {new Hooks.Answer(302, "../etc"), "not a stream name"},
            {new Hooks.Answer(302, null), "not a stream name"},
            {new HttpTimeoutException("request timed out"), "no answer within 2000 ms"},
            {new IOException("Invalid status line: \"garbage\""), "garbage"},
        };
        for (Object[] f : failures) {
            try (LogCapture log = new LogCapture(AccessControl.class)) {
                CompletableFuture<Verdict> v = a.check(Call.PLAY, client("127.0.0.1"), "live", "x", Map.of());
                FakeHooks.Post post = hooks.next();
                if (f[0] instanceof Hooks.Answer answer) {
                    post.answer().complete(answer);
                } else {
                    post.answer().completeExceptionally((Throwable) f[0]);
                }
                Verdict.Refused r = assertInstanceOf(Verdict.Refused.class, v.get(5, TimeUnit.SECONDS));
                assertEquals(Refusal.HOOK, r.why());
                assertFalse(r.description().contains("127.0.0.1:9"), "the client is not told the hook's URL");
                List<String> warnings = log.messages(Level.WARN);
                assertEquals(1, warnings.size(), warnings.toString());
                assertTrue(warnings.get(0).contains((String) f[1]) && warnings.get(0).contains("url:http://127.0.0.1:9/play"),
                        warnings.get(0));
            }
        }
    }

    @Test
    @Timeout(10)
    void allowingAnswersAreCachedForTheConfiguredTimeOnly() throws Exception {
        AccessControl a = access("hooks:\n  on_play: http://127.0.0.1:9/play\n  cache: 10s\n");
        CompletableFuture<Verdict> first = a.check(Call.PLAY, client("127.0.0.1"), "live", "x", Map.of("t", "1"));
        hooks.next().answer().complete(new Hooks.Answer(200, null));
        assertEquals(new Verdict.Allowed("x"), first.get(5, TimeUnit.SECONDS));
        assertEquals(new Verdict.Allowed("x"), now(a.check(Call.PLAY, client("127.0.0.1"), "live", "x", Map.of("t", "1"))));
        Client otherConnection = new Client("c2", InetAddress.getByName("127.0.0.1"), "rtmp://other/live", "p", "", "");
        assertEquals(new Verdict.Allowed("x"), now(a.check(Call.PLAY, otherConnection, "live", "x", Map.of("t", "1"))),
                "another connection asking the same question is answered from the cache");
        assertFalse(a.check(Call.PLAY, client("127.0.0.2"), "live", "x", Map.of("t", "1")).isDone(),
                "another address is another question");
        hooks.next().answer().complete(new Hooks.Answer(200, null));
        CompletableFuture<Verdict> otherToken = a.check(Call.PLAY, client("127.0.0.1"), "live", "x", Map.of("t", "2"));
        assertFalse(otherToken.isDone(), "another token is another question");
        hooks.next().answer().complete(new Hooks.Answer(403, null));
        assertInstanceOf(Verdict.Refused.class, otherToken.get(5, TimeUnit.SECONDS));
        assertFalse(a.check(Call.PLAY, client("127.0.0.1"), "live", "x", Map.of("t", "2")).isDone(),
                "a denial is not cached");
        hooks.next().answer().complete(new Hooks.Answer(403, null));
        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        assertFalse(a.check(Call.PLAY, client("127.0.0.1"), "live", "x", Map.of("t", "1")).isDone(), "expired");
        hooks.next().answer().complete(new Hooks.Answer(200, null));
    }

    @Test
    @Timeout(10)
    void doneHooksAreRetriedABoundedNumberOfTimes() throws Exception {
        AccessControl a = access("hooks:\n  on_publish_done: http://127.0.0.1:9/done\n  retries: 1\n");
        a.ended(Call.PUBLISH_DONE, client("127.0.0.1"), "live", "x", Map.of("key", "v"));
        FakeHooks.Post first = hooks.next();
        assertEquals("publish_done", first.form().get("call"));
        assertEquals("v", first.form().get("key"));
        first.answer().complete(new Hooks.Answer(503, null));
        hooks.next().answer().completeExceptionally(new IOException("refused")); // the one retry, after ~1 s
        assertNull(hooks.calls.poll(1500, TimeUnit.MILLISECONDS), "no third try");
    }

    @Test
    void limitsCountAdmissionsAndTheirRelease() throws Exception {
        AccessControl a = access("apps:\n  live:\n    max_players_per_stream: 1\n    play: [deny 10.0.0.0/8]\n");
        Verdict.Allowed first = assertInstanceOf(Verdict.Allowed.class,
                now(a.check(Call.PLAY, client("127.0.0.1"), "live", "cam", Map.of())));
        assertNotNull(first.admission(), "counted");
        Verdict.Refused second = assertInstanceOf(Verdict.Refused.class,
                now(a.check(Call.PLAY, client("127.0.0.2"), "live", "cam", Map.of())));
        assertEquals(Refusal.LIMIT, second.why());
        assertEquals("Playing live/cam was refused: live/cam has 1 players, the most a stream of live may"
                + " (apps.live.max_players_per_stream).", second.description());
        assertInstanceOf(Verdict.Allowed.class, now(a.check(Call.PLAY, client("127.0.0.2"), "live", "other", Map.of())));
        assertEquals(Refusal.RULE, ((Verdict.Refused) now(a.check(Call.PLAY, client("10.0.0.1"), "live", "x",
                Map.of()))).why(), "a rule refuses before anything is counted");
        a.release(first);
        assertInstanceOf(Verdict.Allowed.class, now(a.check(Call.PLAY, client("127.0.0.2"), "live", "cam", Map.of())));
        assertEquals(1, a.refusedCount(Refusal.LIMIT));
    }

    @Test
    void aLimitThatCannotBeCheckedRefuses() throws Exception {
        AccessControl a = access("apps:\n  live:\n    max_streams: 5\n");
        a.limits(new Limits() {
            @Override
            public CompletableFuture<String> admit(io.sluice.common.protocol.AdmitOrder order) {
                return CompletableFuture.failedFuture(new IOException("channel closed"));
            }

            @Override
            public void leave(io.sluice.common.protocol.AdmitOrder order) {
            }
        });
        Verdict.Refused r = assertInstanceOf(Verdict.Refused.class,
                now(a.check(Call.PUBLISH, client("127.0.0.1"), "live", "cam", Map.of())));
        assertEquals(Refusal.LIMIT, r.why());
    }

    @Test
    void reloadAppliesToLaterQuestions() throws Exception {
        AccessControl a = access("workers: 1\n");
        assertFalse(a.serves("studio"));
        a.update(ConfigLoader.parse("apps:\n  studio: {}\n", "t.yaml"));
        assertTrue(a.serves("studio"));
        assertFalse(a.serves("live"));
    }

    @Test
    void formEncoding() {
        assertEquals("call=play&name=a+b%2Fc&tcurl=rtmp%3A%2F%2Fh%2Flive%3Fx%3D1&u=%C3%A9",
                HttpHooks.encode(new java.util.LinkedHashMap<>(Map.of("call", "play")) {{
                    put("name", "a b/c");
                    put("tcurl", "rtmp://h/live?x=1");
                    put("u", "é");
                }}));
    }

    @Test
    void queryArguments() {
        assertEquals(Map.of("a", "1", "b", "x y", "c", ""), QueryArgs.parse("a=1&b=x+y&a=2&c&=z"));
        assertEquals("a=1", QueryArgs.queryOf("name?a=1"));
        assertNull(QueryArgs.queryOf("name"));
        assertEquals(Map.of("a", "2", "b", "1"), QueryArgs.merge(Map.of("a", "1", "b", "1"), Map.of("a", "2")));
        assertEquals(Map.of("bad", "%zz"), QueryArgs.parse("bad=%zz"));
    }
}
