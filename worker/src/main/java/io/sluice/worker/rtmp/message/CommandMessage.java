package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtmp.RtmpProtocolException;
import io.sluice.worker.rtmp.amf.Amf0Reader;
import io.sluice.worker.rtmp.amf.Amf0Writer;
import io.sluice.worker.rtmp.amf.AmfException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Command message, type 20 (AMF0) or 17 (AMF3) (spec 7.1.1 and 7.2): a name, a transaction
 * id, a command object (often null) and arguments.
 *
 * @param amf3 the message came as type 17; replies keep AMF0 values, which every client reads
 */
public record CommandMessage(int streamId, String name, double transactionId, Object commandObject,
                             List<Object> arguments, boolean amf3) implements RtmpMessage {

    public CommandMessage {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("command name is required");
        }
        // AMF arguments may be null, which List.copyOf refuses.
        arguments = Collections.unmodifiableList(new ArrayList<>(arguments));
    }

    public static CommandMessage of(int streamId, String name, double transactionId, Object commandObject,
                                    Object... arguments) {
        return new CommandMessage(streamId, name, transactionId, commandObject, Arrays.asList(arguments), false);
    }

    /** Argument {@code index} (0 = the first after the command object), or null when absent. */
    public Object argument(int index) {
        return index < arguments.size() ? arguments.get(index) : null;
    }

    /** Argument {@code index} if it is a string, else null. */
    public String stringArgument(int index) {
        return argument(index) instanceof String s ? s : null;
    }

    /** Argument {@code index} if it is a number, else {@code fallback}. */
    public double numberArgument(int index, double fallback) {
        return argument(index) instanceof Number n ? n.doubleValue() : fallback;
    }

    /** Property of the command object, when it is an object. */
    public Object commandProperty(String key) {
        return commandObject instanceof Map<?, ?> m ? m.get(key) : null;
    }

    static CommandMessage read(int streamId, ByteBuf body, boolean amf3) {
        List<Object> values = AmfBodies.read(body, amf3, "command");
        if (values.isEmpty() || !(values.get(0) instanceof String name) || name.isEmpty()) {
            throw new RtmpProtocolException("command message without a command name"
                    + (values.isEmpty() ? "" : " (first value: " + AmfBodies.describe(values.get(0)) + ')'));
        }
        double transactionId = values.size() > 1 && values.get(1) instanceof Number n ? n.doubleValue() : 0;
        Object commandObject = values.size() > 2 ? values.get(2) : null;
        List<Object> arguments = values.size() > 3 ? values.subList(3, values.size()) : List.of();
        return new CommandMessage(streamId, name, transactionId, commandObject, arguments, amf3);
    }

    void write(ByteBuf out) {
        Amf0Writer.write(out, name);
        Amf0Writer.write(out, transactionId);
        Amf0Writer.write(out, commandObject);
        for (Object argument : arguments) {
            Amf0Writer.write(out, argument);
        }
    }

    /** AMF helpers shared with {@link DataMessage}. */
    static final class AmfBodies {

        private AmfBodies() {
        }

        static List<Object> read(ByteBuf body, boolean amf3, String what) {
            try {
                // Type 15 and 17 bodies start with a format byte (0 = AMF0 values that may
                // switch to AMF3 through the avmplus marker).
                if (amf3 && body.isReadable() && body.getByte(body.readerIndex()) == 0) {
                    body.skipBytes(1);
                }
                return Amf0Reader.readAll(body);
            } catch (AmfException e) {
                throw new RtmpProtocolException("broken AMF in " + what + " message: " + e.getMessage(), e);
            }
        }

        static String describe(Object value) {
            return value == null ? "null" : value.getClass().getSimpleName();
        }
    }
}
