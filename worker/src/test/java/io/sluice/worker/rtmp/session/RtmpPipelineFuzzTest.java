package io.sluice.worker.rtmp.session;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.sluice.common.testing.AllocationBudget;
import io.sluice.common.testing.ByteSplits;
import io.sluice.common.testing.TrackingAllocator;
import io.sluice.worker.net.TrafficCountingHandler;
import io.sluice.worker.rtmp.chunk.ChunkDecoder;
import io.sluice.worker.rtmp.chunk.ChunkEncoder;
import io.sluice.worker.rtmp.handshake.HandshakeCompleted;
import io.sluice.worker.rtmp.message.MessageDecoder;
import io.sluice.worker.rtmp.message.MessageEncoder;
import io.sluice.worker.rtmp.message.ProtocolControlHandler;
import io.sluice.worker.rtmp.chunk.IncompleteMessageBudget;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.StreamRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Coverage-guided fuzzing of the server's inbound path after the handshake, as
 * {@link RtmpServerInitializer} builds it (chunk decoder, message decoder, protocol control,
 * session) on an {@code EmbeddedChannel}. The first input byte chooses how the rest arrives
 * ({@link ByteSplits}); the rest is what a client sends after C2. The corpus starts from a real
 * ffmpeg publish and a play.
 *
 * <p>Whatever the bytes: every problem the session handler sees is a protocol error or an I/O
 * error (an "unexpected error" it logs with a stack trace is a finding); nothing leaks, also
 * of what the session wrote back or kept for fan-out; the stream registry is empty once the
 * connection is closed; and buffers stay proportional to the input.
 */
class RtmpPipelineFuzzTest {

    private static final SessionSettings SETTINGS = SessionSettings.defaults();
    private static final AllocationBudget BUDGET = AllocationBudget.forFuzzing();
    /**
     * Buffers may hold what arrived a few times over (a message, its frame for the GOP cache,
     * replies) plus a start per chunk stream and the replies to connect; never announced lengths.
     */
    private static final long BUFFERS_AHEAD = SETTINGS.maxChunkStreams() * 64L * 1024 + (1 << 20);
    private static final Logger SESSION_LOG = (Logger) LoggerFactory.getLogger(SessionHandler.class);
    private static final UnexpectedErrors UNEXPECTED = new UnexpectedErrors();
    private static Level previousLevel;
    private static boolean previousAdditive;

    /** Keeps what the session handler logs with a stack trace: the errors it did not expect. */
    private static final class UnexpectedErrors extends AppenderBase<ILoggingEvent> {
        final List<String> seen = new ArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            if (event.getThrowableProxy() != null) {
                seen.add(event.getFormattedMessage() + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
    }

    @BeforeAll
    static void captureSessionErrors() {
        // WARN even when the fuzz run turns test logging down, and kept off the console: a protocol
        // error per input would flood it.
        previousLevel = SESSION_LOG.getLevel();
        previousAdditive = SESSION_LOG.isAdditive();
        SESSION_LOG.setLevel(Level.WARN);
        SESSION_LOG.setAdditive(false);
        UNEXPECTED.start();
        SESSION_LOG.addAppender(UNEXPECTED);
    }

    @AfterAll
    static void restoreSessionLog() {
        SESSION_LOG.detachAppender(UNEXPECTED);
        UNEXPECTED.stop();
        SESSION_LOG.setAdditive(previousAdditive);
        SESSION_LOG.setLevel(previousLevel);
    }

    @FuzzTest
    void inbound(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] wire = Arrays.copyOfRange(input, 1, input.length);
        BUDGET.run(input.length, () -> run(input[0], wire));
    }

    private static void run(int split, byte[] wire) {
        TrackingAllocator alloc = new TrackingAllocator();
        StreamRegistry registry = new StreamRegistry(new GopSettings(true, 2048, 32 << 20));
        // As a worker's registry: each frame's shared RTMP encoding is made as it arrives. Those
        // buffers come from the default allocator (the budget below does not see them; Netty's
        // paranoid leak detection does).
        RtmpChunks chunks = RtmpChunks.of(SETTINGS.chunkSize());
        registry.encodeEagerly(() -> chunks);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new TrafficCountingHandler(),
                new ChunkDecoder(SETTINGS.maxMessageSize(), SETTINGS.maxMessageSizeBeforePublish(),
                        SETTINGS.maxChunkStreams(), new IncompleteMessageBudget(SETTINGS.incompleteMessageBudget())), new ChunkEncoder(),
                new MessageDecoder(), new MessageEncoder(), new ProtocolControlHandler(),
                new SessionHandler(SETTINGS, registry));
        UNEXPECTED.seen.clear();
        long[] fed = {0};
        try {
            ch.pipeline().fireUserEventTriggered(new HandshakeCompleted(false));
            ByteSplits.feed(split, wire, piece -> {
                if (ch.isOpen()) {
                    ByteBuf buf = alloc.heapBuffer(piece.length).writeBytes(piece);
                    ch.writeInbound(buf);
                    ch.runPendingTasks();
                    releaseWritten(ch);
                    fed[0] += piece.length;
                    alloc.assertCapacityAtMost(BUFFERS_AHEAD + 4 * fed[0], "in the pipeline");
                }
            });
            ch.checkException();
            ch.close();
            ch.runPendingTasks();
            releaseWritten(ch);
            assertEquals(List.of(), UNEXPECTED.seen, "the session handler met an unexpected error");
            assertEquals(0, registry.size(), "a stream outlived the connection that used it");
        } finally {
            ch.finishAndReleaseAll();
            alloc.assertAllReleased("after " + wire.length + " bytes through the pipeline");
        }
    }

    /** What the server sent back, and anything that reached the pipeline's tail. */
    private static void releaseWritten(EmbeddedChannel ch) {
        Object m;
        while ((m = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        while ((m = ch.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
    }
}
