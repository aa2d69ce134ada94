package io.sluice.worker.rtmp.chunk;

/**
 * Chunk stream ids (RTMP spec section 5.3.1.1) and the ones Sluice sends on.
 *
 * <p>Ids 0 and 1 are not chunk streams: they select the 2- and 3-byte forms of the basic
 * header, which carry ids 64..319 and 64..65599. Id 2 is reserved for protocol control.
 * The ids we send on follow nginx-rtmp's layout, which every player accepts. Media and data
 * are pre-encoded once per stream and shared by all players (always with a type-0 header), so
 * those ids are never used by a {@link ChunkEncoder} on the same connection: its header
 * compression state would not know about the shared chunks.
 */
public final class ChunkStreamIds {

    /** Smallest valid chunk stream id. */
    public static final int MIN = 2;
    /** Largest id the 3-byte basic header can express: 65535 + 64. */
    public static final int MAX = 65599;

    /** Protocol control messages and user control events (spec 5.4, 6.2). */
    public static final int CONTROL = 2;
    /** Commands on the NetConnection (connect, createStream and their replies). */
    public static final int CONNECTION_COMMAND = 3;
    /** Commands and status events on a NetStream (publish, play, onStatus). */
    public static final int STREAM_COMMAND = 4;
    /** Data messages sent to players (onMetaData, |RtmpSampleAccess), pre-encoded. */
    public static final int DATA = 5;
    /** Audio sent to players, pre-encoded. */
    public static final int AUDIO = 6;
    /** Video sent to players, pre-encoded. */
    public static final int VIDEO = 7;

    private ChunkStreamIds() {
    }
}
