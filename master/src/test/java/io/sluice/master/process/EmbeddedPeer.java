package io.sluice.master.process;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.common.channel.ChannelJson;
import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelTransport;
import io.sluice.common.protocol.WorkerProtocol;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The master's peer of one worker in the production pipeline on an {@link EmbeddedChannel}: what was sent is readable. */
final class EmbeddedPeer implements AutoCloseable {

    final ChannelPeer peer = new ChannelPeer("worker", WorkerProtocol.PROTOCOL, Duration.ofSeconds(30));
    private final EmbeddedChannel channel = new EmbeddedChannel();

    EmbeddedPeer() {
        ChannelTransport.initPipeline(channel.pipeline(), peer);
    }

    /** The frames the master sent since the last call, as JSON. */
    List<JsonNode> sent() {
        List<JsonNode> out = new ArrayList<>();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            try {
                while (buf.isReadable()) {
                    int length = buf.readInt();
                    out.add(ChannelJson.parse(buf.readCharSequence(length, StandardCharsets.UTF_8).toString()));
                }
            } finally {
                buf.release();
            }
        }
        return out;
    }

    /** The methods of the requests sent since the last call. */
    List<String> sentMethods() {
        return sent().stream().map(n -> n.path("method").asText()).toList();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
