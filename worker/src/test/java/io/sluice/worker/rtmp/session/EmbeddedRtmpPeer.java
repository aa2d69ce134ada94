package io.sluice.worker.rtmp.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.sluice.worker.access.AccessControl;
import io.sluice.worker.net.TrafficCountingHandler;
import io.sluice.worker.rtmp.amf.Amf;
import io.sluice.worker.rtmp.chunk.ChunkDecoder;
import io.sluice.worker.rtmp.chunk.ChunkEncoder;
import io.sluice.worker.rtmp.chunk.IncompleteMessageBudget;
import io.sluice.worker.rtmp.handshake.HandshakeCompleted;
import io.sluice.worker.rtmp.message.AudioData;
import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.MessageDecoder;
import io.sluice.worker.rtmp.message.MessageEncoder;
import io.sluice.worker.rtmp.message.ProtocolControlHandler;
import io.sluice.worker.rtmp.message.RtmpMessage;
import io.sluice.worker.rtmp.message.VideoData;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.StreamRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server connection on an {@link EmbeddedChannel} (the real pipeline minus the handshake,
 * which has its own tests, and admission; its clock is frozen) and a client-side codec that encodes what the test sends and decodes
 * what the server answers. Each peer has its own event loop, as connections on different
 * threads would, so fan-out between peers goes through their groups' queues.
 */
final class EmbeddedRtmpPeer implements AutoCloseable {

    final EmbeddedChannel server;
    private final EmbeddedChannel codec;

    EmbeddedRtmpPeer(StreamRegistry registry, SessionSettings settings) {
        this(registry, settings, new IncompleteMessageBudget(settings.incompleteMessageBudget()));
    }

    /** A peer whose incomplete messages count against {@code budget}, which other peers may share. */
    EmbeddedRtmpPeer(StreamRegistry registry, SessionSettings settings, IncompleteMessageBudget budget) {
        this(registry, settings, budget, AccessControl.open());
    }

    /** A peer whose connects, publishes and plays {@code access} decides. */
    EmbeddedRtmpPeer(StreamRegistry registry, SessionSettings settings, AccessControl access) {
        this(registry, settings, new IncompleteMessageBudget(settings.incompleteMessageBudget()), access);
    }

    private EmbeddedRtmpPeer(StreamRegistry registry, SessionSettings settings, IncompleteMessageBudget budget,
                             AccessControl access) {
        server = new EmbeddedChannel(new TrafficCountingHandler(),
                new ChunkDecoder(settings.maxMessageSize(), settings.maxMessageSizeBeforePublish(),
                        settings.maxChunkStreams(), budget), new ChunkEncoder(),
                new MessageDecoder(), new MessageEncoder(), new ProtocolControlHandler(),
                new SessionHandler(settings, registry, ClusterView.STANDALONE, false, access));
        server.freezeTime(); // timers run when a test advances the clock, not when the machine is slow
        server.pipeline().fireUserEventTriggered(new HandshakeCompleted(false));
        codec = new EmbeddedChannel(new ChunkDecoder(64 << 20, 1024), new ChunkEncoder(), new MessageDecoder(),
                new MessageEncoder());
    }

    /** Encodes messages as a client would and feeds the bytes to the server in one read. */
    void send(RtmpMessage... messages) {
        ByteBuf wire = Unpooled.buffer();
        for (RtmpMessage m : messages) {
            codec.writeOutbound(m);
            ByteBuf b;
            while ((b = codec.readOutbound()) != null) {
                wire.writeBytes(b);
                b.release();
            }
        }
        sendBytes(wire);
    }

    void sendBytes(ByteBuf bytes) {
        server.writeInbound(bytes);
        server.runPendingTasks();
    }

    /** Runs the server's pending tasks (fan-out) and decodes everything it has written. */
    List<RtmpMessage> received() {
        server.runPendingTasks();
        ByteBuf b;
        while ((b = server.readOutbound()) != null) {
            codec.writeInbound(b);
        }
        List<RtmpMessage> out = new ArrayList<>();
        Object m;
        while ((m = codec.readInbound()) != null) {
            out.add((RtmpMessage) m);
        }
        return out;
    }

    /** Sends connect and returns the replies (released). */
    List<RtmpMessage> connect(String app) {
        send(CommandMessage.of(0, "connect", 1, Amf.object("app", app, "tcUrl", "rtmp://localhost/" + app)));
        return releaseAll(received());
    }

    int createStream() {
        send(CommandMessage.of(0, "createStream", 2, null));
        List<RtmpMessage> replies = releaseAll(received());
        CommandMessage result = (CommandMessage) replies.get(0);
        assertEquals("_result", result.name());
        return (int) result.numberArgument(0, -1);
    }

    /** connect + createStream + publish; asserts Publish.Start. */
    int publish(String app, String name) {
        connect(app);
        int id = createStream();
        send(CommandMessage.of(id, "publish", 3, null, name, "live"));
        assertTrue(statusCodes(releaseAll(received())).contains("NetStream.Publish.Start"));
        return id;
    }

    /** connect + createStream + play; returns what the server sent after play (caller releases). */
    List<RtmpMessage> play(String app, String name) {
        connect(app);
        int id = createStream();
        send(CommandMessage.of(id, "play", 3, null, name, -2.0));
        return received();
    }

    void sendVideo(int streamId, long timestamp, int... bytes) {
        send(new VideoData(timestamp, streamId, body(bytes)));
    }

    void sendAudio(int streamId, long timestamp, int... bytes) {
        send(new AudioData(timestamp, streamId, body(bytes)));
    }

    static ByteBuf body(int... bytes) {
        ByteBuf b = Unpooled.buffer(bytes.length);
        for (int v : bytes) {
            b.writeByte(v);
        }
        return b;
    }

    static List<String> statusCodes(List<RtmpMessage> messages) {
        List<String> codes = new ArrayList<>();
        for (RtmpMessage m : messages) {
            if (m instanceof CommandMessage c && "onStatus".equals(c.name()) && c.argument(0) instanceof Map<?, ?> info) {
                codes.add(String.valueOf(info.get("code")));
            }
        }
        return codes;
    }

    static List<MediaMessage> media(List<RtmpMessage> messages) {
        List<MediaMessage> out = new ArrayList<>();
        for (RtmpMessage m : messages) {
            if (m instanceof MediaMessage media) {
                out.add(media);
            }
        }
        return out;
    }

    static List<RtmpMessage> releaseAll(List<RtmpMessage> messages) {
        messages.forEach(ReferenceCountUtil::release);
        return messages;
    }

    boolean isOpen() {
        return server.isOpen();
    }

    @Override
    public void close() {
        server.close();
        server.runPendingTasks();
        releaseAll(received());
        server.finishAndReleaseAll();
        codec.finishAndReleaseAll();
    }
}
