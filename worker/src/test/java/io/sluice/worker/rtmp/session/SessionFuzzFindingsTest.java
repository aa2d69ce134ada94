package io.sluice.worker.rtmp.session;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.worker.net.TrafficCountingHandler;
import io.sluice.worker.rtmp.chunk.ChunkDecoder;
import io.sluice.worker.rtmp.chunk.ChunkEncoder;
import io.sluice.worker.rtmp.handshake.HandshakeCompleted;
import io.sluice.worker.rtmp.message.MessageDecoder;
import io.sluice.worker.rtmp.message.MessageEncoder;
import io.sluice.worker.rtmp.message.ProtocolControlHandler;
import io.sluice.worker.rtmp.chunk.IncompleteMessageBudget;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.StreamKey;
import io.sluice.worker.stream.StreamRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What {@link RtmpPipelineFuzzTest} found, as plain regression tests. Each input is also in
 * RtmpPipelineFuzzTestInputs/inbound under the test's name (with the split byte in front).
 */
class SessionFuzzFindingsTest {

    /** Grants every claim, like a standalone worker, and remembers claims and releases. */
    private static final class RecordingDirectory implements ClusterView {
        final List<String> calls = new ArrayList<>();

        @Override
        public CompletionStage<Claim> claim(StreamKey key) {
            calls.add("claim " + key);
            return CompletableFuture.completedFuture(Claim.GRANTED);
        }

        @Override
        public void release(StreamKey key) {
            calls.add("release " + key);
        }

        @Override
        public void needPublisher(LiveStream stream) {
        }
    }

    private static EmbeddedChannel server(StreamRegistry registry, ClusterView directory) {
        SessionSettings settings = SessionSettings.defaults();
        EmbeddedChannel ch = new EmbeddedChannel(new TrafficCountingHandler(),
                new ChunkDecoder(settings.maxMessageSize(), settings.maxMessageSizeBeforePublish(),
                        settings.maxChunkStreams(), new IncompleteMessageBudget(settings.incompleteMessageBudget())), new ChunkEncoder(),
                new MessageDecoder(), new MessageEncoder(), new ProtocolControlHandler(),
                new SessionHandler(settings, registry, directory, false));
        ch.pipeline().fireUserEventTriggered(new HandshakeCompleted(false));
        return ch;
    }

    private static StreamRegistry registry() {
        SessionSettings settings = SessionSettings.defaults();
        StreamRegistry registry = new StreamRegistry(new GopSettings(true, 2048, 32 << 20));
        RtmpChunks chunks = RtmpChunks.of(settings.chunkSize());
        registry.encodeEagerly(() -> chunks);
        return registry;
    }

    private static byte[] hex(String annotated) {
        return ByteBufUtil.decodeHexDump(annotated.replaceAll("[\\s|]", ""));
    }

    /**
     * Media before connect: the session released the message and threw its protocol error, and
     * channelRead's finally released it again. The IllegalReferenceCountException replaced the
     * protocol error: an "unexpected error" WARN with a stack trace instead of one line.
     */
    @Test
    void mediaBeforeConnectIsOneProtocolErrorLine() {
        Logger sessionLog = (Logger) LoggerFactory.getLogger(SessionHandler.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        sessionLog.addAppender(lines);
        EmbeddedChannel ch = server(registry(), ClusterView.STANDALONE);
        try {
            // fmt 0, csid 6: video, 2 bytes, stream 1 | AVC inter frame header
            ch.writeInbound(Unpooled.wrappedBuffer(hex("06 000000 000002 09 01000000 | 27 01")));
            ch.runPendingTasks();
        } finally {
            sessionLog.detachAppender(lines);
        }
        assertFalse(ch.isOpen());
        assertEquals(List.of("protocol error, closing [conn:embedded, remote:embedded]: media before connect"),
                lines.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList());
        assertFalse(ch.finishAndReleaseAll());
    }

    /**
     * A publish and a broken message in one read: the protocol error closes the connection, the
     * claim is decided in a task that runs before channelInactive, and that task treated the
     * closed connection as a live publisher: Publish.Start to a closed socket, then a
     * NoSuchElementException adding the publisher timeout to a pipeline being torn down (logged
     * by Netty as a failed task). Now the grant is given back at once, and once only.
     */
    @Test
    void publishAndABrokenMessageInOneReadGiveTheClaimBack() {
        StreamRegistry registry = registry();
        RecordingDirectory directory = new RecordingDirectory();
        EmbeddedChannel ch = server(registry, directory);

        ch.writeInbound(Unpooled.wrappedBuffer(hex(
                // fmt 0, csid 3: AMF0 command, 35 bytes, stream 0: connect, 1, {app: "live"}
                "03 000000 000023 14 00000000"
                        + "| 02 0007 636f6e6e656374 00 3ff0000000000000 03 0003 617070 02 0004 6c697665 000009"
                        // fmt 0, csid 3: AMF0 command, 25 bytes, stream 0: createStream, 2, null
                        + "| 03 000000 000019 14 00000000"
                        + "| 02 000c 63726561746553747265616d 00 4000000000000000 05"
                        // fmt 0, csid 8: AMF0 command, 33 bytes, stream 1: publish, 3, null, "cam", "live"
                        + "| 08 000000 000021 14 01000000"
                        + "| 02 0007 7075626c697368 00 4008000000000000 05 02 0003 63616d 02 0004 6c697665"
                        // fmt 0, csid 4: AMF0 data, 26 bytes, stream 1: "@setDataFrame", then an
                        // ECMA array whose first property name announces 5 bytes and has 3
                        + "| 04 000000 00001a 12 01000000"
                        + "| 02 000d 40736574446174614672616d65 08 00000001 0005 776964")));
        ch.runPendingTasks();

        assertFalse(ch.isOpen(), "a broken data message closes the connection");
        assertEquals(List.of("claim live/cam", "release live/cam"), directory.calls);
        assertEquals(0, registry.size());
        ch.finishAndReleaseAll();
    }
}
