package io.sluice.worker.rtmp.session;

import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigLoader;
import io.sluice.worker.access.AccessControl;
import io.sluice.worker.access.Hooks;
import io.sluice.worker.rtmp.amf.Amf;
import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.RtmpMessage;
import io.sluice.worker.stream.StreamKey;
import io.sluice.worker.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.sluice.worker.rtmp.session.EmbeddedRtmpPeer.releaseAll;
import static io.sluice.worker.rtmp.session.EmbeddedRtmpPeer.statusCodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RTMP session asks the access control at connect, publish and play, and waits for hooks without blocking. */
class SessionAccessTest {

    /** Hooks answered by the test; each post is kept in order. */
    private final List<CompletableFuture<Hooks.Answer>> answers = new ArrayList<>();
    private final List<Map<String, String>> forms = new ArrayList<>();
    private final StreamRegistry registry = SessionHandlerTest.registry(new io.sluice.worker.stream.GopSettings(true, 64, 1 << 20));
    private final List<EmbeddedRtmpPeer> peers = new ArrayList<>();

    private EmbeddedRtmpPeer peer(String yaml) throws ConfigException {
        AccessControl access = new AccessControl(ConfigLoader.parse(yaml, "t.yaml"), () -> this::post,
                System::nanoTime, () -> System.currentTimeMillis() / 1000);
        EmbeddedRtmpPeer p = new EmbeddedRtmpPeer(registry, SessionSettings.defaults(), access);
        peers.add(p);
        return p;
    }

    private CompletableFuture<Hooks.Answer> post(String url, Map<String, String> form, Duration timeout) {
        CompletableFuture<Hooks.Answer> f = new CompletableFuture<>();
        answers.add(f);
        forms.add(form);
        return f;
    }

    @AfterEach
    void close() {
        peers.forEach(EmbeddedRtmpPeer::close);
        assertEquals(0, registry.size());
    }

    private static CommandMessage only(List<RtmpMessage> replies, String name) {
        return replies.stream().filter(m -> m instanceof CommandMessage c && c.name().equals(name))
                .map(CommandMessage.class::cast).findFirst().orElse(null);
    }

    @Test
    void anUnknownAppIsRejectedAtConnect() throws ConfigException {
        EmbeddedRtmpPeer client = peer("workers: 1\n");
        client.send(CommandMessage.of(0, "connect", 1, Amf.object("app", "other", "tcUrl", "rtmp://h/other")));
        List<RtmpMessage> replies = releaseAll(client.received());
        CommandMessage error = only(replies, "_error");
        assertNotNull(error, replies.toString());
        Map<?, ?> info = (Map<?, ?>) error.argument(0);
        assertEquals("NetConnection.Connect.Rejected", info.get("code"));
        assertEquals("Application 'other' is not served here.", info.get("description"));
        assertNull(only(replies, "_result"));
        assertFalse(client.isOpen());
    }

    @Test
    void aPublishWaitsForItsHookAndIsRenamedBeforeTheClaim() throws ConfigException {
        EmbeddedRtmpPeer client = peer("hooks:\n  on_publish: http://127.0.0.1:9/p\n");
        client.connect("live");
        int id = client.createStream();
        // publish, and a command right behind it that must be answered after the publish's status
        client.send(CommandMessage.of(id, "publish", 3, null, "secret?key=abc", "live"),
                CommandMessage.of(0, "getStreamLength", 4, null, "x"));
        assertEquals(List.of(), releaseAll(client.received()), "nothing is answered while the hook decides");
        assertEquals(1, answers.size());
        assertEquals("abc", forms.get(0).get("key"));
        assertEquals("secret", forms.get(0).get("name"));
        answers.get(0).complete(new Hooks.Answer(302, "public"));
        List<RtmpMessage> replies = releaseAll(client.received());
        assertTrue(statusCodes(replies).contains("NetStream.Publish.Start"), replies.toString());
        assertNotNull(only(replies, "_result"), "the held command is answered after the decision");
        assertNotNull(registry.find(new StreamKey("live", "public")), "published under the hook's name");
        assertNull(registry.find(new StreamKey("live", "secret")));
    }

    @Test
    void aDeniedPublishIsBadNameAndCloses() throws ConfigException {
        EmbeddedRtmpPeer client = peer("hooks:\n  on_publish: http://127.0.0.1:9/p\n");
        client.connect("live");
        int id = client.createStream();
        client.send(CommandMessage.of(id, "publish", 3, null, "cam", "live"));
        answers.get(0).complete(new Hooks.Answer(403, null));
        List<RtmpMessage> replies = releaseAll(client.received());
        assertEquals(List.of("NetStream.Publish.BadName"), statusCodes(replies));
        assertFalse(client.isOpen());
    }

    @Test
    void aNameWithATokenLongerThan1024CharactersIsRefusedClearly() throws ConfigException {
        EmbeddedRtmpPeer client = peer("workers: 1\n");
        client.connect("live");
        int id = client.createStream();
        client.send(CommandMessage.of(id, "play", 3, null, "cam?token=" + "x".repeat(1100), -2.0));
        List<RtmpMessage> replies = releaseAll(client.received());
        assertEquals(List.of("NetStream.Play.Failed"), statusCodes(replies));
        CommandMessage status = only(replies, "onStatus");
        assertTrue(String.valueOf(((Map<?, ?>) status.argument(0)).get("description")).contains("longer than 1024"));
        assertFalse(client.isOpen());
    }

    @Test
    void aSignedPlayIsCheckedAgainstTheName() throws ConfigException {
        String secret = "0123456789abcdef-secret";
        String yaml = "apps:\n  live:\n    secrets: [" + secret + "]\n    signed: play\n";
        EmbeddedRtmpPeer unsigned = peer(yaml);
        List<RtmpMessage> refused = releaseAll(unsigned.play("live", "cam"));
        assertEquals(List.of("NetStream.Play.Failed"), statusCodes(refused));
        assertFalse(unsigned.isOpen());

        EmbeddedRtmpPeer signed = peer(yaml);
        long expires = System.currentTimeMillis() / 1000 + 60;
        List<RtmpMessage> played = releaseAll(signed.play("live", "cam?"
                + io.sluice.common.access.UrlSignature.query("live", "cam", expires, secret)));
        assertTrue(statusCodes(played).contains("NetStream.Play.Start"), played.toString());
        assertTrue(signed.isOpen());
    }

    @Test
    void aPlayerOverTheLimitIsRefusedAndItsPlaceIsFreedWhenOneLeaves() throws ConfigException {
        AccessControl access = new AccessControl(ConfigLoader.parse(
                "apps:\n  live:\n    max_players_per_stream: 1\n", "t.yaml"), () -> this::post, System::nanoTime,
                () -> System.currentTimeMillis() / 1000);
        EmbeddedRtmpPeer first = new EmbeddedRtmpPeer(registry, SessionSettings.defaults(), access);
        EmbeddedRtmpPeer second = new EmbeddedRtmpPeer(registry, SessionSettings.defaults(), access);
        EmbeddedRtmpPeer third = new EmbeddedRtmpPeer(registry, SessionSettings.defaults(), access);
        peers.addAll(List.of(first, second, third));
        assertTrue(statusCodes(releaseAll(first.play("live", "cam"))).contains("NetStream.Play.Start"));
        List<RtmpMessage> refused = releaseAll(second.play("live", "cam"));
        assertEquals(List.of("NetStream.Play.Failed"), statusCodes(refused));
        assertTrue(String.valueOf(((Map<?, ?>) only(refused, "onStatus").argument(0)).get("description"))
                .contains("max_players_per_stream"));
        assertFalse(second.isOpen());
        first.close();
        assertTrue(statusCodes(releaseAll(third.play("live", "cam"))).contains("NetStream.Play.Start"),
                "the place of a player that left is free again");
    }

    @Test
    void messagesHeldDuringAConnectHookAreAnsweredInOrder() throws ConfigException {
        EmbeddedRtmpPeer client = peer("hooks:\n  on_connect: http://127.0.0.1:9/c\n");
        client.send(CommandMessage.of(0, "connect", 1, Amf.object("app", "live?tok=1", "tcUrl", "rtmp://h/live?tok=1",
                        "flashVer", "FMLE/3.0")),
                CommandMessage.of(0, "createStream", 2, null));
        assertEquals(List.of(), releaseAll(client.received()));
        assertEquals("1", forms.get(0).get("tok"));
        assertEquals("FMLE/3.0", forms.get(0).get("flashver"));
        assertEquals("connect", forms.get(0).get("call"));
        answers.get(0).complete(new Hooks.Answer(200, null));
        List<RtmpMessage> replies = releaseAll(client.received());
        List<Double> results = replies.stream().filter(m -> m instanceof CommandMessage c && c.name().equals("_result"))
                .map(m -> ((CommandMessage) m).transactionId()).toList();
        assertEquals(List.of(1.0, 2.0), results, "connect's result, then createStream's");
        assertInstanceOf(CommandMessage.class, only(replies, "_result"));
    }
}
