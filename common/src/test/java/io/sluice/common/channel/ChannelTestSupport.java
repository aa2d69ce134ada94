package io.sluice.common.channel;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Frames, pipelines and log capture for the channel tests. */
final class ChannelTestSupport {

    private ChannelTestSupport() {
    }

    /** A frame: 4-byte big-endian length, then the UTF-8 bytes of {@code json}. */
    static ByteBuf frame(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = Unpooled.buffer(4 + payload.length);
        buf.writeInt(payload.length);
        buf.writeBytes(payload);
        return buf;
    }

    /** An EmbeddedChannel with the production pipeline around {@code peer}. */
    static EmbeddedChannel channel(ChannelPeer peer) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelTransport.initPipeline(ch.pipeline(), peer);
        return ch;
    }

    /** Reads, splits and releases every outbound frame; returns their JSON texts in order. */
    static List<String> outboundJson(EmbeddedChannel ch) {
        List<String> texts = new ArrayList<>();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            try {
                while (buf.isReadable()) {
                    int length = buf.readInt();
                    texts.add(buf.readCharSequence(length, StandardCharsets.UTF_8).toString());
                }
            } finally {
                buf.release();
            }
        }
        return texts;
    }

    static List<JsonNode> outbound(EmbeddedChannel ch) {
        return outboundJson(ch).stream().map(ChannelJson::parse).collect(Collectors.toList());
    }

    /** Moves frames both ways between two embedded channels until neither has anything to send. */
    static void pump(EmbeddedChannel a, EmbeddedChannel b) {
        boolean moved;
        do {
            a.runPendingTasks();
            b.runPendingTasks();
            moved = transfer(a, b) | transfer(b, a);
        } while (moved);
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        Object msg;
        while ((msg = from.readOutbound()) != null) {
            to.writeInbound(msg);
            moved = true;
        }
        return moved;
    }

    /** Counts flushes reaching the transport; add it first in the pipeline. */
    static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        int flushes;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    /** Records what one logger logs, at {@code level} and above, until closed. */
    static final class LogCapture implements AutoCloseable {
        private final Logger logger;
        private final Level previous;
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture(Class<?> source, Level level) {
            logger = (Logger) LoggerFactory.getLogger(source);
            previous = logger.getLevel();
            logger.setLevel(level);
            appender.start();
            logger.addAppender(appender);
        }

        List<String> messages(Level level) {
            return appender.list.stream()
                    .filter(e -> e.getLevel() == level)
                    .map(ILoggingEvent::getFormattedMessage)
                    .collect(Collectors.toList());
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            logger.setLevel(previous);
        }
    }
}
