package io.sluice.worker.rtmp.session;

import ch.qos.logback.classic.Level;
import io.sluice.worker.LogCapture;
import io.sluice.worker.TestSettings;
import io.sluice.worker.rtmp.message.AudioData;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.RtmpMessage;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.sluice.worker.rtmp.session.EmbeddedRtmpPeer.media;
import static io.sluice.worker.rtmp.session.EmbeddedRtmpPeer.releaseAll;
import static io.sluice.worker.rtmp.session.SessionHandlerTest.AAC_CONFIG;
import static io.sluice.worker.rtmp.session.SessionHandlerTest.AAC_RAW;
import static io.sluice.worker.rtmp.session.SessionHandlerTest.AVC_CONFIG;
import static io.sluice.worker.rtmp.session.SessionHandlerTest.AVC_INTER;
import static io.sluice.worker.rtmp.session.SessionHandlerTest.AVC_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A player over its write buffer's high mark: what it is still sent, when it resumes, what is
 * logged, and when it is given up on ({@code players.slow_timeout}), on a frozen clock. Netty's
 * user-defined writability bit stands in for a full outbound buffer.
 */
class SlowPlayerTest {

    private final StreamRegistry registry = SessionHandlerTest.registry(new GopSettings(true, 2048, 32 << 20));
    private final List<EmbeddedRtmpPeer> peers = new ArrayList<>();
    private final LogCapture log = new LogCapture(PlaySession.class, Level.INFO);
    private final SessionSettings settings = TestSettings.yaml("players:\n  slow_timeout: 1s\n");
    private EmbeddedRtmpPeer publisher;
    private EmbeddedRtmpPeer player;
    private int sid;

    private void startPlaying() {
        publisher = peer();
        sid = publisher.publish("live", "cam");
        publisher.sendVideo(sid, 0, AVC_CONFIG);
        publisher.sendAudio(sid, 0, AAC_CONFIG);
        publisher.sendVideo(sid, 0, AVC_KEY);
        player = peer();
        releaseAll(player.play("live", "cam"));
    }

    private EmbeddedRtmpPeer peer() {
        EmbeddedRtmpPeer p = new EmbeddedRtmpPeer(registry, settings);
        peers.add(p);
        return p;
    }

    @AfterEach
    void close() {
        peers.forEach(EmbeddedRtmpPeer::close);
        log.close();
    }

    private void writable(boolean writable) {
        player.server.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        player.server.runPendingTasks(); // Netty announces the change in a task of its own
    }

    /** The first body byte of each media message the player got, e.g. "27" for an AVC inter frame. */
    private List<String> got() {
        List<String> out = new ArrayList<>();
        List<RtmpMessage> messages = player.received();
        for (MediaMessage m : media(messages)) {
            out.add(m.type().name().toLowerCase() + ":" + Integer.toHexString(m.payload().getUnsignedByte(0))
                    + Integer.toHexString(m.payload().getUnsignedByte(1)));
        }
        releaseAll(messages);
        return out;
    }

    @Test
    void overTheHighMarkVideoIsDroppedUntilAKeyframeButAudioAndSequenceHeadersGo() {
        startPlaying();
        writable(false);
        publisher.sendVideo(sid, 33, AVC_INTER);
        publisher.sendAudio(sid, 40, AAC_RAW);
        publisher.sendVideo(sid, 50, AVC_CONFIG);   // a new sequence header: never dropped
        publisher.sendVideo(sid, 66, AVC_INTER);
        publisher.sendVideo(sid, 100, AVC_KEY);     // dropped too while over the mark
        publisher.sendAudio(sid, 101, AAC_RAW);
        assertEquals(List.of("audio:af1", "video:170", "audio:af1"), got());
        assertEquals(List.of(), log.messages(Level.INFO), "nothing logged while the episode lasts");

        writable(true);
        assertEquals(List.of("slow player caught up after 0 ms, 3 video frames dropped [conn:embedded, stream:live/cam]"),
                log.messages(Level.INFO), "one line for the episode");
        publisher.sendVideo(sid, 133, AVC_INTER);   // still waiting for a key frame
        publisher.sendVideo(sid, 166, AVC_KEY);
        publisher.sendVideo(sid, 200, AVC_INTER);
        assertEquals(List.of("video:171", "video:271"), got(), "resumes at the key frame");
        assertEquals(1, log.messages(Level.INFO).size(), "no line per frame");
        assertTrue(player.isOpen());
    }

    @Test
    void eachEpisodeIsOneLine() {
        startPlaying();
        for (int episode = 0; episode < 3; episode++) {
            writable(false);
            publisher.sendVideo(sid, 33 + episode * 100, AVC_INTER);
            publisher.sendVideo(sid, 66 + episode * 100, AVC_INTER);
            releaseAll(player.received());
            writable(true);
        }
        assertEquals(3, log.messages(Level.INFO).size(), log.messages(Level.INFO).toString());
        assertTrue(log.messages(Level.INFO).stream().allMatch(l -> l.contains("2 video frames dropped")));
    }

    @Test
    void aPlayerOverTheMarkForSlowTimeoutIsDisconnectedNotBefore() {
        startPlaying();
        writable(false);
        publisher.send(new AudioData(10, sid, EmbeddedRtmpPeer.body(AAC_RAW))); // the episode starts here
        releaseAll(player.received());
        player.server.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        publisher.sendAudio(sid, 20, AAC_RAW);
        releaseAll(player.received());
        assertTrue(player.isOpen(), "not before slow_timeout");
        assertEquals(List.of(), log.messages(Level.WARN));

        player.server.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        publisher.sendAudio(sid, 30, AAC_RAW);
        releaseAll(player.received());
        assertFalse(player.isOpen(), "disconnected with the first frame after slow_timeout");
        assertEquals(List.of("player too slow, disconnecting: over the write buffer high mark for 1001 ms, 0 video"
                + " frames dropped [conn:embedded, remote:embedded, stream:live/cam]"), log.messages(Level.WARN));
        assertTrue(publisher.isOpen(), "the publisher carries on");
    }

    @Test
    void catchingUpInTimeEndsTheEpisodeAndTheClockStartsAgain() {
        startPlaying();
        writable(false);
        publisher.sendAudio(sid, 10, AAC_RAW);
        player.server.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        releaseAll(player.received());
        writable(true);
        writable(false);
        publisher.sendAudio(sid, 20, AAC_RAW);
        player.server.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        publisher.sendAudio(sid, 30, AAC_RAW);
        releaseAll(player.received());
        assertTrue(player.isOpen(), "two episodes of 900 ms are not one of 1800 ms");
    }
}
