package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtmp.amf.Amf0Writer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Data message, type 18 (AMF0) or 15 (AMF3) (spec 7.1.2): metadata such as
 * {@code @setDataFrame "onMetaData" {...}} from a publisher, or {@code onMetaData {...}} and
 * {@code |RtmpSampleAccess} sent to players.
 */
public record DataMessage(long timestamp, int streamId, List<Object> values, boolean amf3) implements RtmpMessage {

    public DataMessage {
        timestamp &= 0xFFFF_FFFFL;
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    public static DataMessage of(long timestamp, int streamId, Object... values) {
        return new DataMessage(timestamp, streamId, Arrays.asList(values), false);
    }

    /** The first value when it is a string (the handler name, e.g. "onMetaData"), else null. */
    public String name() {
        return !values.isEmpty() && values.get(0) instanceof String s ? s : null;
    }

    static DataMessage read(long timestamp, int streamId, ByteBuf body, boolean amf3) {
        return new DataMessage(timestamp, streamId, CommandMessage.AmfBodies.read(body, amf3, "data"), amf3);
    }

    void write(ByteBuf out) {
        for (Object value : values) {
            Amf0Writer.write(out, value);
        }
    }
}
