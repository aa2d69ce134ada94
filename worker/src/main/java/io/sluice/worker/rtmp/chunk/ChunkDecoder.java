package io.sluice.worker.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.sluice.worker.net.Connection;
import io.sluice.worker.rtmp.RtmpProtocolException;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Reassembles RTMP chunks (spec section 5.3) into {@link RawMessage}s.
 *
 * <p>A state machine in the manner of Netty's HTTP decoder: a chunk header is parsed only when
 * all of its bytes are readable, and state is committed only after the bytes are consumed, so
 * a call that returns early for lack of input can simply run again. Payload bytes are copied as
 * they arrive; a message's buffer is allocated small and grows up to its declared length,
 * which is checked against {@code maxMessageSize} first.
 *
 * <p>Two protocol control messages act at this layer and are applied here, the moment they
 * complete, because they change how the very next chunk is read: Set Chunk Size (type 1) and
 * Abort (type 2). Both are still passed on for the record.
 *
 * <p>Memory a peer can make us hold is bounded by what it has earned (server side, with an
 * {@link IncompleteMessageBudget}). Until its publish is accepted ({@link Connection#publishAccepted()})
 * a peer may only announce messages up to {@code maxMessageSizeBeforePublish} (commands and metadata:
 * SRS likewise refuses large messages before publish, nginx-rtmp caps every message at 1 MiB), and
 * its unfinished messages together may not exceed two of those; a publisher may announce up to
 * {@code maxMessageSize}, and hold one such message plus a small one on another chunk stream (audio
 * interleaved with a large video frame). Every message in progress also takes its announced length
 * from the worker-wide budget, which decides who gives way when it is full. The client side
 * ({@code rtmp/client}: relays, the bench) receives large media legitimately and has none of this.
 *
 * <p>On a protocol error the decoder raises {@link RtmpProtocolException} once and ignores the
 * rest of the connection's input; the session handler logs it and closes the channel.
 */
public final class ChunkDecoder extends ByteToMessageDecoder {

    /** Chunk size every RTMP connection starts with (spec 5.4.1). */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    /** Largest chunk size we honour; beyond it no message could span more than one chunk anyway. */
    public static final int MAX_CHUNK_SIZE = 0xFF_FFFF;

    /**
     * Most a message buffer starts with before its bytes arrive. The chunk size alone is no bound:
     * a peer may set it to 16 MiB and announce messages up to the size limit in a few dozen bytes,
     * which made the decoder allocate the whole announced length per chunk stream at once (found
     * by ChunkDecoderFuzzTest). Real clients use chunk sizes of 128 to 60000 bytes, below this.
     */
    static final int MAX_INITIAL_PAYLOAD_CAPACITY = 64 * 1024;

    static final int TYPE_SET_CHUNK_SIZE = 1;
    static final int TYPE_ABORT = 2;

    private enum State { HEADER, PAYLOAD, BROKEN }

    private static final int[] MESSAGE_HEADER_LENGTH = {11, 7, 3, 0};

    private final int maxMessageSize;
    private final int maxMessageSizeBeforePublish;
    private final int maxChunkStreams;
    /** Which payloads to skip; null (the server) keeps every message. */
    private final PayloadPolicy payloads;
    /** The worker's budget; null on the client side, which has no limits that depend on publishing. */
    private final IncompleteMessageBudget budget;
    private final IntObjectMap<ChunkStream> streams = new IntObjectHashMap<>();
    private Connection connection;
    private IncompleteMessageBudget.Account account;
    /** Announced lengths of the messages in progress on all chunk streams. */
    private long held;

    private State state = State.HEADER;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    /** The chunk stream whose payload bytes are being read, and how many are left in this chunk. */
    private ChunkStream current;
    private int chunkRemaining;

    /**
     * A client-side decoder: one message size limit, no budget.
     *
     * @param maxMessageSize  largest message length accepted; a header announcing more is an error
     * @param maxChunkStreams most distinct chunk stream ids one connection may use
     */
    public ChunkDecoder(int maxMessageSize, int maxChunkStreams) {
        this(maxMessageSize, maxChunkStreams, null);
    }

    /**
     * A client-side decoder that skips the payloads {@code payloads} says to skip (see
     * {@link PayloadPolicy}); null keeps every message.
     */
    public ChunkDecoder(int maxMessageSize, int maxChunkStreams, PayloadPolicy payloads) {
        this(maxMessageSize, maxMessageSize, maxChunkStreams, null, payloads);
    }

    /**
     * A server-side decoder, whose limits depend on whether the connection's publish is accepted.
     *
     * @param maxMessageSize              largest message from a publishing peer ({@code rtmp.max_message_size}, 16 MiB)
     * @param maxMessageSizeBeforePublish largest message from any other peer
     *                                    ({@code rtmp.max_message_size_before_publish}, 64 KiB)
     * @param maxChunkStreams             most distinct chunk stream ids one connection may use (64)
     * @param budget                      the worker's budget for partly received messages
     */
    public ChunkDecoder(int maxMessageSize, int maxMessageSizeBeforePublish, int maxChunkStreams,
                        IncompleteMessageBudget budget) {
        this(maxMessageSize, maxMessageSizeBeforePublish, maxChunkStreams, budget, null);
        if (budget == null) {
            throw new IllegalArgumentException("a server-side decoder needs a budget");
        }
    }

    private ChunkDecoder(int maxMessageSize, int maxMessageSizeBeforePublish, int maxChunkStreams,
                         IncompleteMessageBudget budget, PayloadPolicy payloads) {
        this.payloads = payloads;
        if (maxMessageSize < 1 || maxMessageSizeBeforePublish < 1) {
            throw new IllegalArgumentException("message size limits must be positive: " + maxMessageSize + ", "
                    + maxMessageSizeBeforePublish);
        }
        if (maxMessageSizeBeforePublish > maxMessageSize) {
            throw new IllegalArgumentException("maxMessageSizeBeforePublish must not exceed maxMessageSize");
        }
        if (maxChunkStreams < 1) {
            throw new IllegalArgumentException("maxChunkStreams must be positive: " + maxChunkStreams);
        }
        this.maxMessageSize = maxMessageSize;
        this.maxMessageSizeBeforePublish = maxMessageSizeBeforePublish;
        this.maxChunkStreams = maxChunkStreams;
        this.budget = budget;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (budget != null) {
            connection = Connection.of(ctx.channel());
            account = budget.open(connection::publishAccepted, reason -> {
                try {
                    ctx.executor().execute(() -> evicted(ctx, reason));
                } catch (RejectedExecutionException shuttingDown) {
                    // the worker is stopping: the connection closes anyway
                }
            });
        }
    }

    /** The budget chose this connection to give way; on its event loop. */
    private void evicted(ChannelHandlerContext ctx, String reason) {
        if (state != State.BROKEN && ctx.channel().isActive()) {
            state = State.BROKEN;
            ctx.fireExceptionCaught(new RtmpProtocolException(reason));
        }
    }

    /** True when the peer may send what a publisher may (always on the client side). */
    private boolean earned() {
        return connection == null || connection.publishAccepted();
    }

    /** The chunk size the peer currently sends with. */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.BROKEN) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (state == State.HEADER) {
            readHeader(ctx, in);
        }
        // Falls through in the same call so that a message of zero bytes, or the last chunk of
        // a message whose header ends the buffer, is emitted without waiting for more input.
        if (state == State.PAYLOAD) {
            readPayload(in, out);
        }
    }

    private void readHeader(ChannelHandlerContext ctx, ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable < 1) {
            return;
        }
        int first = in.getUnsignedByte(start);
        int fmt = first >>> 6;
        int low = first & 0x3f;
        int basicLength = low == 0 ? 2 : low == 1 ? 3 : 1;
        int headerLength = basicLength + MESSAGE_HEADER_LENGTH[fmt];
        if (readable < headerLength) {
            return;
        }
        // 2-byte form: id = second byte + 64; 3-byte form: id = third byte * 256 + second byte + 64.
        int csid = switch (low) {
            case 0 -> in.getUnsignedByte(start + 1) + 64;
            case 1 -> in.getUnsignedByte(start + 1) + (in.getUnsignedByte(start + 2) << 8) + 64;
            default -> low;
        };
        if (csid < ChunkStreamIds.MIN) {
            fail("chunk stream id " + csid + " is reserved");
        }

        ChunkStream cs = streams.get(csid);
        if (fmt != 0 && (cs == null || !cs.hasHeader)) {
            fail("chunk stream " + csid + " starts with a type-" + fmt
                    + " header, which needs an earlier type-0 header on that stream");
        }
        boolean continuation = cs != null && cs.inProgress;
        if (continuation && fmt != 3) {
            fail("type-" + fmt + " header on chunk stream " + csid + " while a message is incomplete ("
                    + cs.received + " of " + cs.length + " bytes received)");
        }

        int p = start + basicLength;
        long timestampField = fmt == 3 ? cs.timestampField : in.getUnsignedMedium(p);
        int length = fmt <= 1 ? in.getUnsignedMedium(p + 3) : cs.length;
        int typeId = fmt <= 1 ? in.getUnsignedByte(p + 6) : cs.typeId;
        int streamId = fmt == 0 ? in.getIntLE(p + 7) : cs.streamId;

        boolean extended;
        if (fmt < 3) {
            extended = timestampField == ChunkWriter.EXTENDED_TIMESTAMP_MARK;
        } else {
            extended = cs.extended;
        }
        int total = headerLength;
        if (extended) {
            if (readable < headerLength + 4) {
                return;
            }
            long value = in.getUnsignedInt(start + headerLength);
            if (fmt < 3) {
                timestampField = value;
                total += 4;
            } else if (!continuation || value == cs.timestampField) {
                total += 4;
            }
            // else: a type-3 continuation without the extended timestamp. The spec is ambiguous
            // and some encoders omit it (SRS tolerates the same quirk): the 4 bytes are payload.
        }
        if (!continuation) {
            boolean earned = earned();
            int limit = earned ? maxMessageSize : maxMessageSizeBeforePublish;
            if (length > limit) {
                fail("message of " + length + " bytes on chunk stream " + csid + " (type " + typeId
                        + ") exceeds the limit of " + limit + " bytes"
                        + (earned ? "" : " before publish (rtmp.max_message_size_before_publish)"));
            }
            if (cs == null && streams.size() >= maxChunkStreams) {
                fail("more than " + maxChunkStreams + " chunk streams");
            }
            if (account != null) {
                // Many chunk streams could each hold a message in progress: bound the sum as well.
                long cap = earned ? (long) maxMessageSize + maxMessageSizeBeforePublish
                        : 2L * maxMessageSizeBeforePublish;
                if (held + length > cap) {
                    fail("unfinished messages would hold " + (held + length) + " bytes on this connection"
                            + " (a new one of " + length + " bytes on chunk stream " + csid + "), over its limit of "
                            + cap + " bytes" + (earned ? "" : " before publish"));
                }
                if (length > 0 && !account.reserve(length)) {
                    fail("the worker's incomplete-message budget of "
                            + IncompleteMessageBudget.describe(budget.limit())
                            + " (rtmp.incomplete_message_budget) is full, and this connection, holding "
                            + (held + length) + " bytes with a new message of " + length
                            + ", is the one to give way");
                }
            }
            if (cs == null) {
                cs = new ChunkStream(csid);
                streams.put(csid, cs);
            }
        }

        // Everything is validated and readable: commit.
        in.skipBytes(total);
        if (!continuation) {
            long timestamp = switch (fmt) {
                case 0 -> timestampField;
                // Types 1, 2 and a type 3 that starts a message add their delta to the previous
                // timestamp; after a type 0 the "delta" of a type 3 is that type 0's timestamp
                // (spec 5.3.1.2.4, and what ffmpeg does).
                default -> cs.timestamp + timestampField;
            };
            cs.hasHeader = true;
            cs.timestamp = timestamp & 0xFFFF_FFFFL;
            cs.timestampField = timestampField;
            cs.extended = extended;
            cs.length = length;
            cs.typeId = typeId;
            cs.streamId = streamId;
            cs.inProgress = true;
            held += length;
            cs.received = 0;
            cs.head = 0;
            cs.skipping = payloads != null && payloads.skip(typeId);
            if (!cs.skipping) {
                cs.partial = ctx.alloc().buffer(Math.min(length, Math.min(chunkSize, MAX_INITIAL_PAYLOAD_CAPACITY)),
                        Math.max(length, 1));
            }
        }
        current = cs;
        chunkRemaining = Math.min(chunkSize, cs.length - cs.received);
        state = State.PAYLOAD;
    }

    private void readPayload(ByteBuf in, List<Object> out) {
        int n = Math.min(chunkRemaining, in.readableBytes());
        ChunkStream cs = current;
        if (n > 0) {
            if (cs.skipping) {
                for (int i = 0; i < n && cs.received + i < 2; i++) {
                    cs.head = (cs.head << 8) | in.getUnsignedByte(in.readerIndex() + i);
                }
                in.skipBytes(n);
            } else {
                cs.partial.writeBytes(in, n);
            }
            cs.received += n;
            chunkRemaining -= n;
        }
        if (chunkRemaining > 0) {
            return;
        }
        state = State.HEADER;
        current = null;
        if (cs.received < cs.length) {
            return;
        }
        cs.inProgress = false;
        unhold(cs.length);
        if (cs.skipping) {
            out.add(payloads.skipped(cs.csid, cs.timestamp, cs.typeId, cs.streamId, cs.length,
                    cs.length >= 2 ? cs.head : -1));
            return;
        }
        ByteBuf payload = cs.partial;
        cs.partial = null;
        RawMessage message = new RawMessage(cs.csid, cs.timestamp, cs.typeId, cs.streamId, payload);
        if (cs.typeId == TYPE_SET_CHUNK_SIZE) {
            applySetChunkSize(message);
        } else if (cs.typeId == TYPE_ABORT) {
            applyAbort(message);
        }
        out.add(message);
    }

    private void applySetChunkSize(RawMessage message) {
        ByteBuf p = message.payload();
        if (p.readableBytes() < 4) {
            message.release();
            fail("Set Chunk Size with a " + p.readableBytes() + "-byte body (needs 4)");
        }
        // Bit 31 must be zero (spec 5.4.1); a negative or zero size cannot be honoured.
        int size = p.getInt(p.readerIndex());
        if (size < 1) {
            message.release();
            fail("invalid chunk size " + Integer.toUnsignedString(size));
        }
        chunkSize = Math.min(size, MAX_CHUNK_SIZE);
    }

    private void applyAbort(RawMessage message) {
        ByteBuf p = message.payload();
        if (p.readableBytes() < 4) {
            message.release();
            fail("Abort with a " + p.readableBytes() + "-byte body (needs 4)");
        }
        ChunkStream aborted = streams.get(p.getInt(p.readerIndex()));
        if (aborted != null && aborted.inProgress) {
            aborted.inProgress = false;
            unhold(aborted.length);
            if (aborted.partial != null) {
                aborted.partial.release();
                aborted.partial = null;
            }
        }
    }

    /** A message in progress completed or was aborted: its announced length is free again. */
    private void unhold(int length) {
        held -= length;
        if (account != null && length > 0) {
            account.release(length);
        }
    }

    private void fail(String problem) {
        state = State.BROKEN;
        throw new RtmpProtocolException(problem);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        for (ChunkStream cs : streams.values()) {
            if (cs.partial != null) {
                cs.partial.release();
                cs.partial = null;
            }
        }
        streams.clear();
        held = 0;
        if (account != null) {
            account.close();
        }
    }

    /** What the decoder remembers of one chunk stream: its last header and a message in progress. */
    private static final class ChunkStream {
        final int csid;
        boolean hasHeader;
        long timestamp;
        /** The timestamp field as last sent: absolute after type 0, a delta after types 1 and 2. */
        long timestampField;
        boolean extended;
        int length;
        int typeId;
        int streamId;
        /** A message is being received: its bytes go to {@link #partial}, or are counted when skipping. */
        boolean inProgress;
        boolean skipping;
        int received;
        /** First two payload bytes of a skipped message. */
        int head;
        ByteBuf partial;

        ChunkStream(int csid) {
            this.csid = csid;
        }
    }
}
