package io.sluice.worker.rtmp.message;

/** RTMP message type ids (spec sections 5.4, 6.2 and 7.1). */
public enum MessageType {
    SET_CHUNK_SIZE(1),
    ABORT(2),
    ACKNOWLEDGEMENT(3),
    USER_CONTROL(4),
    WINDOW_ACK_SIZE(5),
    SET_PEER_BANDWIDTH(6),
    AUDIO(8),
    VIDEO(9),
    DATA_AMF3(15),
    SHARED_OBJECT_AMF3(16),
    COMMAND_AMF3(17),
    DATA_AMF0(18),
    SHARED_OBJECT_AMF0(19),
    COMMAND_AMF0(20),
    AGGREGATE(22);

    private static final MessageType[] BY_ID = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;

    MessageType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The type with this id, or {@code null} when the spec defines none (e.g. 7, 0, 23+). */
    public static MessageType of(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
