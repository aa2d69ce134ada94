package io.sluice.worker.rtmp.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.worker.rtmp.amf.Amf;
import io.sluice.worker.rtmp.amf.EcmaArray;
import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.DataMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.MessageType;
import io.sluice.worker.rtmp.message.RtmpMessage;
import io.sluice.worker.rtmp.message.SetChunkSize;
import io.sluice.worker.rtmp.message.SetPeerBandwidth;
import io.sluice.worker.rtmp.message.UserControl;
import io.sluice.worker.rtmp.message.WindowAckSize;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.Publisher;
import io.sluice.worker.stream.StreamKey;
import io.sluice.worker.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sluice.worker.rtmp.session.EmbeddedRtmpPeer.media;
import static io.sluice.worker.rtmp.session.EmbeddedRtmpPeer.releaseAll;
import static io.sluice.worker.rtmp.session.EmbeddedRtmpPeer.statusCodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionHandlerTest {

    // FLV tag bodies: AVC sequence header / key frame / inter frame, AAC sequence header / raw.
    static final int[] AVC_CONFIG = {0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1f};
    static final int[] AVC_KEY = {0x17, 0x01, 0, 0, 0, 0x65, 0x88};
    static final int[] AVC_INTER = {0x27, 0x01, 0, 0, 0, 0x41, 0x9a};
    static final int[] AAC_CONFIG = {0xaf, 0x00, 0x12, 0x10};
    static final int[] AAC_RAW = {0xaf, 0x01, 0x21, 0x10};

    private final List<EmbeddedRtmpPeer> peers = new ArrayList<>();
    private StreamRegistry registry = registry(true);

    private static StreamRegistry registry(boolean gop) {
        return registry(new GopSettings(gop, 2048, 32 << 20));
    }

    /** A registry that encodes every frame for players at the default chunk size, as a worker's does. */
    static StreamRegistry registry(GopSettings gop) {
        StreamRegistry registry = new StreamRegistry(gop);
        RtmpChunks chunks = new RtmpChunks(SessionSettings.defaults().chunkSize());
        registry.encodeEagerly(() -> chunks);
        return registry;
    }

    private EmbeddedRtmpPeer peer() {
        return peer(SessionSettings.defaults());
    }

    private EmbeddedRtmpPeer peer(SessionSettings settings) {
        EmbeddedRtmpPeer p = new EmbeddedRtmpPeer(registry, settings);
        peers.add(p);
        return p;
    }

    @AfterEach
    void closePeers() {
        peers.forEach(EmbeddedRtmpPeer::close);
        assertEquals(0, registry.size(), "every stream is dropped once its last user leaves");
    }

    @Test
    void connectIsAnsweredWithWindowBandwidthChunkSizeAndSuccess() {
        EmbeddedRtmpPeer client = peer();
        client.send(CommandMessage.of(0, "connect", 1, Amf.object("app", "live", "objectEncoding", 3.0,
                "fourCcList", List.of("hvc1", "av01"))));
        List<RtmpMessage> replies = releaseAll(client.received());
        assertEquals(new WindowAckSize(5_000_000), replies.get(0));
        assertEquals(new SetPeerBandwidth(5_000_000, SetPeerBandwidth.DYNAMIC), replies.get(1));
        assertEquals(new SetChunkSize(60_000), replies.get(2));
        CommandMessage result = assertInstanceOf(CommandMessage.class, replies.get(3));
        assertEquals("_result", result.name());
        assertEquals(1.0, result.transactionId());
        Map<?, ?> properties = (Map<?, ?>) result.commandObject();
        assertEquals("FMS/3,0,1,123", properties.get("fmsVer"));
        assertEquals(List.of("hvc1", "av01"), properties.get("fourCcList"), "Enhanced RTMP codecs echoed");
        Map<?, ?> info = (Map<?, ?>) result.argument(0);
        assertEquals("NetConnection.Connect.Success", info.get("code"));
        assertEquals(3.0, info.get("objectEncoding"));
        assertEquals(4, replies.size());
    }

    @Test
    void commandBeforeConnectClosesTheConnection() {
        EmbeddedRtmpPeer client = peer();
        client.send(CommandMessage.of(1, "play", 0, null, "x"));
        assertFalse(client.isOpen());
    }

    @Test
    void unknownCommandGetsAnErrorAndTheConnectionStays() {
        EmbeddedRtmpPeer client = peer();
        client.connect("live");
        client.send(CommandMessage.of(0, "noSuchMethod", 7, null));
        List<RtmpMessage> replies = releaseAll(client.received());
        CommandMessage error = assertInstanceOf(CommandMessage.class, replies.get(0));
        assertEquals("_error", error.name());
        assertEquals(7.0, error.transactionId());
        assertEquals("NetConnection.Call.Failed", ((Map<?, ?>) error.argument(0)).get("code"));
        assertTrue(client.isOpen());
    }

    @Test
    void brokenAmfClosesOnlyThatConnection() {
        EmbeddedRtmpPeer bad = peer();
        EmbeddedRtmpPeer good = peer();
        good.connect("live");
        // A 3-byte AMF0 command on csid 3 whose body is a string marker announcing 65535 bytes.
        bad.sendBytes(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("03000000000003140000000002ffff")));
        assertFalse(bad.isOpen());
        good.send(CommandMessage.of(0, "createStream", 2, null));
        assertEquals("_result", ((CommandMessage) releaseAll(good.received()).get(0)).name());
    }

    @Test
    void mediaBeforeConnectIsOneWarnLineEvenWithMoreBadInputBehindIt() {
        try (io.sluice.worker.LogCapture log = new io.sluice.worker.LogCapture(SessionHandler.class)) {
            EmbeddedRtmpPeer client = peer();
            // An empty video message on chunk stream 6, then 100 zero bytes (more broken chunks).
            client.sendBytes(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("06000000000000090000000000"),
                    new byte[100]));
            assertFalse(client.isOpen());
            assertEquals(List.of("protocol error, closing [conn:embedded, remote:embedded]: media before connect"),
                    log.messages(ch.qos.logback.classic.Level.WARN), "released once, logged once");
        }
    }

    @Test
    void undefinedMessageTypeClosesTheConnection() {
        EmbeddedRtmpPeer client = peer();
        client.sendBytes(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0300000000000107000000002a")));
        assertFalse(client.isOpen());
    }

    @Test
    void newPlayerGetsMetadataSequenceHeadersAndGopStartingOnAKeyframe() {
        EmbeddedRtmpPeer publisher = peer();
        int sid = publisher.publish("live", "cam");
        publisher.send(DataMessage.of(0, sid, "@setDataFrame", "onMetaData", EcmaArray.of("width", 1280.0)));
        publisher.sendVideo(sid, 0, AVC_CONFIG);
        publisher.sendAudio(sid, 0, AAC_CONFIG);
        publisher.sendVideo(sid, 0, AVC_KEY);
        publisher.sendVideo(sid, 33, AVC_INTER);
        publisher.sendVideo(sid, 66, AVC_KEY);   // the GOP restarts here
        publisher.sendAudio(sid, 70, AAC_RAW);
        publisher.sendVideo(sid, 100, AVC_INTER);

        EmbeddedRtmpPeer player = peer();
        List<RtmpMessage> got = player.play("live", "cam");
        try {
            assertEquals(List.of("NetStream.Play.Reset", "NetStream.Play.Start"), statusCodes(got));
            DataMessage meta = got.stream().filter(m -> m instanceof DataMessage d && "onMetaData".equals(d.name()))
                    .map(DataMessage.class::cast).findFirst().orElseThrow();
            assertEquals(1280.0, ((Map<?, ?>) meta.values().get(1)).get("width"), "@setDataFrame stripped");
            List<MediaMessage> media = media(got);
            assertEquals(5, media.size());
            assertBody(AVC_CONFIG, media.get(0));
            assertBody(AAC_CONFIG, media.get(1));
            assertBody(AVC_KEY, media.get(2));
            assertEquals(66, media.get(2).timestamp());
            assertBody(AAC_RAW, media.get(3));
            assertBody(AVC_INTER, media.get(4));
        } finally {
            releaseAll(got);
        }

        publisher.sendVideo(sid, 133, AVC_INTER);
        List<RtmpMessage> live = player.received();
        try {
            assertEquals(1, media(live).size());
            assertBody(AVC_INTER, media(live).get(0));
            assertEquals(133, media(live).get(0).timestamp());
        } finally {
            releaseAll(live);
        }
    }

    @Test
    void withoutGopCacheAPlayerWaitsForTheNextKeyframe() {
        registry = registry(false);
        EmbeddedRtmpPeer publisher = peer();
        int sid = publisher.publish("live", "cam");
        publisher.sendVideo(sid, 0, AVC_CONFIG);
        publisher.sendVideo(sid, 0, AVC_KEY);
        EmbeddedRtmpPeer player = peer();
        List<RtmpMessage> joined = player.play("live", "cam");
        assertEquals(1, media(joined).size(), "only the sequence header");
        releaseAll(joined);

        publisher.sendVideo(sid, 33, AVC_INTER);
        publisher.sendAudio(sid, 40, AAC_RAW);
        publisher.sendVideo(sid, 66, AVC_KEY);
        publisher.sendVideo(sid, 100, AVC_INTER);
        List<MediaMessage> media = media(player.received());
        try {
            assertEquals(3, media.size());
            assertBody(AAC_RAW, media.get(0));
            assertBody(AVC_KEY, media.get(1));
            assertBody(AVC_INTER, media.get(2));
        } finally {
            media.forEach(MediaMessage::release);
        }
    }

    @Test
    void aSecondPublisherOfALiveNameIsRefusedWithBadName() {
        EmbeddedRtmpPeer first = peer();
        first.publish("live", "cam");
        EmbeddedRtmpPeer second = peer();
        second.connect("live");
        int sid = second.createStream();
        second.send(CommandMessage.of(sid, "publish", 3, null, "cam?token=x", "live"));
        assertEquals(List.of("NetStream.Publish.BadName"), statusCodes(releaseAll(second.received())));
        assertFalse(second.isOpen());
        assertTrue(first.isOpen());
    }

    @Test
    void aPublisherWithTheNamesGrantReplacesARelayStandingInForIt() {
        // The relay into this worker outlives its source by a moment when the publisher leaves
        // another worker; a publisher reconnecting here (the directory grants the name) takes over.
        LiveStream stream = registry.acquire(new StreamKey("live", "cam"));
        List<String> closed = new ArrayList<>();
        Publisher relay = new Publisher() {
            @Override
            public String origin() {
                return "relay from worker 2";
            }

            @Override
            public void close(String reason) {
                closed.add(reason);
                stream.detach(this);
            }

            @Override
            public boolean standsIn() {
                return true;
            }
        };
        assertTrue(stream.attach(relay));
        EmbeddedRtmpPeer publisher = peer();
        publisher.publish("live", "cam"); // asserts Publish.Start
        assertEquals(List.of("a publisher of live/cam connected to this worker"), closed);
        assertTrue(publisher.isOpen());
        EmbeddedRtmpPeer second = peer();
        second.connect("live");
        int sid = second.createStream();
        second.send(CommandMessage.of(sid, "publish", 3, null, "cam", "live"));
        assertEquals(List.of("NetStream.Publish.BadName"), statusCodes(releaseAll(second.received())),
                "a real publisher is not replaced");
        assertTrue(publisher.isOpen());
        registry.release(stream);
    }

    @Test
    void playersStayThroughUnpublishAndResumeWhenTheNameIsPublishedAgain() {
        EmbeddedRtmpPeer publisher = peer();
        int sid = publisher.publish("live", "cam");
        publisher.sendVideo(sid, 0, AVC_CONFIG);
        publisher.sendVideo(sid, 5000, AVC_KEY);
        EmbeddedRtmpPeer player = peer();
        releaseAll(player.play("live", "cam"));

        publisher.close();
        List<RtmpMessage> gone = releaseAll(player.received());
        assertEquals(List.of("NetStream.Play.UnpublishNotify"), statusCodes(gone));
        assertTrue(gone.stream().anyMatch(m -> m instanceof UserControl uc && uc.eventType() == UserControl.STREAM_EOF));
        assertTrue(player.isOpen());

        EmbeddedRtmpPeer again = peer();
        int sid2 = again.publish("live", "cam");
        again.sendVideo(sid2, 0, AVC_CONFIG);   // a new encoder starts its clock at 0
        again.sendVideo(sid2, 0, AVC_KEY);
        again.sendVideo(sid2, 33, AVC_INTER);
        List<RtmpMessage> back = player.received();
        try {
            assertEquals(List.of("NetStream.Play.Reset", "NetStream.Play.Start"), statusCodes(back));
            List<MediaMessage> media = media(back);
            assertEquals(3, media.size());
            assertEquals(5000, media.get(0).timestamp(), "timestamps continue, never go back");
            assertEquals(5000, media.get(1).timestamp());
            assertEquals(5033, media.get(2).timestamp());
        } finally {
            releaseAll(back);
        }
    }

    @Test
    void enhancedRtmpHevcPassesThroughAndStartsOnItsKeyframe() {
        // Enhanced RTMP: ExHeader bit, FrameType, PacketType, then FourCC 'hvc1'.
        int[] seqStart = {0x90, 'h', 'v', 'c', '1', 0x01, 0x02};
        int[] key = {0x93, 'h', 'v', 'c', '1', 0x26, 0x01};   // CodedFramesX, key
        int[] inter = {0xa3, 'h', 'v', 'c', '1', 0x02, 0x01}; // CodedFramesX, inter
        EmbeddedRtmpPeer publisher = peer();
        int sid = publisher.publish("live", "hevc");
        publisher.sendVideo(sid, 0, seqStart);
        publisher.sendVideo(sid, 0, inter);  // before any key frame: not cached
        publisher.sendVideo(sid, 40, key);
        publisher.sendVideo(sid, 80, inter);
        EmbeddedRtmpPeer player = peer();
        List<MediaMessage> media = media(player.play("live", "hevc"));
        try {
            assertEquals(3, media.size());
            assertBody(seqStart, media.get(0));
            assertBody(key, media.get(1));
            assertBody(inter, media.get(2));
        } finally {
            media.forEach(MediaMessage::release);
        }
    }

    @Test
    void receiveVideoFalseStopsVideoAndTrueResumesAtAKeyframe() {
        EmbeddedRtmpPeer publisher = peer();
        int sid = publisher.publish("live", "cam");
        publisher.sendVideo(sid, 0, AVC_KEY);
        EmbeddedRtmpPeer player = peer();
        releaseAll(player.play("live", "cam"));
        player.send(CommandMessage.of(1, "receiveVideo", 0, null, false));
        publisher.sendVideo(sid, 33, AVC_INTER);
        publisher.sendAudio(sid, 34, AAC_RAW);
        assertEquals(List.of(MessageType.AUDIO), types(player.received()));
        player.send(CommandMessage.of(1, "receiveVideo", 0, null, true));
        publisher.sendVideo(sid, 66, AVC_INTER);
        publisher.sendVideo(sid, 100, AVC_KEY);
        List<MediaMessage> media = media(player.received());
        assertEquals(1, media.size());
        assertBody(AVC_KEY, media.get(0));
        media.forEach(MediaMessage::release);
    }

    @Test
    void pauseStopsDeliveryAndUnpauseResumesAtAKeyframe() {
        EmbeddedRtmpPeer publisher = peer();
        int sid = publisher.publish("live", "cam");
        publisher.sendVideo(sid, 0, AVC_KEY);
        EmbeddedRtmpPeer player = peer();
        releaseAll(player.play("live", "cam"));
        player.send(CommandMessage.of(1, "pause", 0, null, true, 0.0));
        assertEquals(List.of("NetStream.Pause.Notify"), statusCodes(releaseAll(player.received())));
        publisher.sendVideo(sid, 33, AVC_INTER);
        publisher.sendAudio(sid, 34, AAC_RAW);
        assertEquals(List.of(), types(player.received()));
        player.send(CommandMessage.of(1, "pause", 0, null, false, 0.0));
        assertEquals(List.of("NetStream.Unpause.Notify"), statusCodes(releaseAll(player.received())));
        publisher.sendVideo(sid, 66, AVC_INTER);
        publisher.sendVideo(sid, 100, AVC_KEY);
        assertEquals(List.of(MessageType.VIDEO), types(player.received()));
    }

    @Test
    void playOfAStreamNobodyPublishesWaitsThenFailsWhenAWaitLimitIsSet() {
        SessionSettings waitBriefly = io.sluice.worker.TestSettings.yaml("players:\n  play_wait_timeout: 500ms\n");
        EmbeddedRtmpPeer player = peer(waitBriefly);
        assertEquals(List.of("NetStream.Play.Reset", "NetStream.Play.Start"),
                statusCodes(releaseAll(player.play("live", "nobody"))));
        player.server.advanceTimeBy(Duration.ofMillis(600).toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        assertEquals(List.of("NetStream.Play.StreamNotFound"), statusCodes(releaseAll(player.received())));
        assertTrue(player.isOpen());
    }

    @Test
    void pingRequestIsAnsweredAndBytesAreAcknowledgedPerWindow() {
        EmbeddedRtmpPeer client = peer();
        client.connect("live");
        client.send(new WindowAckSize(4096), UserControl.pingRequest(1234));
        List<RtmpMessage> replies = releaseAll(client.received());
        assertTrue(replies.contains(UserControl.pingResponse(1234)), replies.toString());
        client.send(CommandMessage.of(0, "noSuchMethod", 3, null, "x".repeat(5000)));
        List<RtmpMessage> after = releaseAll(client.received());
        assertTrue(after.stream().anyMatch(m -> m instanceof io.sluice.worker.rtmp.message.Acknowledgement),
                after.toString());
    }

    private static List<MessageType> types(List<RtmpMessage> messages) {
        List<MessageType> out = new ArrayList<>();
        for (MediaMessage m : media(messages)) {
            out.add(m.type());
        }
        releaseAll(messages);
        return out;
    }

    private static void assertBody(int[] expected, MediaMessage actual) {
        ByteBuf e = EmbeddedRtmpPeer.body(expected);
        try {
            assertEquals(ByteBufUtil.hexDump(e), ByteBufUtil.hexDump(actual.payload()));
        } finally {
            e.release();
        }
    }
}
