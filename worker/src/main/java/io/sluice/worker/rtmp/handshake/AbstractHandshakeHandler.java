package io.sluice.worker.rtmp.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.sluice.worker.stats.WorkerCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.sluice.worker.rtmp.handshake.HandshakeDigest.PACKET_SIZE;

/**
 * What both ends of the RTMP handshake do alike: a deadline, reading packets only when they are
 * whole (a {@link HandshakeException} from a step fails the handshake), and the two endings. On
 * success the handler removes itself (as Netty's {@code HAProxyMessageDecoder} does), fires
 * {@link HandshakeCompleted}, and {@link ByteToMessageDecoder} hands whatever followed the last
 * packet to the next handler; on failure (a bad packet, the deadline) one WARN line and the
 * connection closes. Subclasses write the steps: {@link HandshakeHandler} the server's,
 * {@link ClientHandshakeHandler} the client's.
 */
abstract class AbstractHandshakeHandler extends ByteToMessageDecoder {

    /** The only RTMP version there is (spec 5.2.2). */
    static final int RTMP_VERSION = 3;

    private enum Outcome { PENDING, DONE, FAILED }

    /** The subclass's logger, so that lines name the end that wrote them. */
    final Logger log = LoggerFactory.getLogger(getClass());
    final HandshakeTimer timer;
    private Outcome outcome = Outcome.PENDING;

    /** @param timeout time allowed for the whole handshake, e.g. 5 s */
    AbstractHandshakeHandler(Duration timeout) {
        this.timer = new HandshakeTimer(timeout);
    }

    /** Reads what the current step needs from {@code in}, if it is all there; may write. */
    abstract void step(ChannelHandlerContext ctx, ByteBuf in);

    /** What the handshake waits for now, for the log ("C1", "S2", ...). */
    abstract String awaiting();

    /** Who the other end is in a log line: "peer" or "server". */
    abstract String peer();

    /** Drops the packets kept for the steps still to come. */
    abstract void forget();

    /** Starts the deadline; the handshake fails when it passes first. */
    final void startTimer(ChannelHandlerContext ctx) {
        timer.start(ctx, () -> timedOut(ctx));
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (outcome) {
            case PENDING -> {
                try {
                    step(ctx, in);
                } catch (HandshakeException e) {
                    in.skipBytes(in.readableBytes());
                    fail(ctx, e.getMessage());
                }
            }
            case DONE -> {
                // Removed from the pipeline: ByteToMessageDecoder forwards what is left.
            }
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        timer.cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (outcome == Outcome.PENDING) {
            ConnectionLogUtil.debug(log, ctx.channel(),
                    "{} closed during handshake [remote:{}, awaiting:{}, elapsed:{} ms]", peer(),
                    ctx.channel().remoteAddress(), awaiting(), timer.elapsedMillis());
        }
        timer.cancel();
        super.channelInactive(ctx);
    }

    /** The handshake succeeded: leave the pipeline and tell the handlers above. */
    final void complete(ChannelHandlerContext ctx, boolean digest) {
        outcome = Outcome.DONE;
        timer.cancel();
        forget();
        ConnectionLogUtil.debug(log, ctx.channel(), "handshake completed [remote:{}, digest:{}, elapsed:{} us]",
                ctx.channel().remoteAddress(), digest, timer.elapsedMicros());
        // Removal inside decode() is deferred by ByteToMessageDecoder until decode() returns; it then
        // passes the rest of the cumulation (bytes after the last packet) to the next handler, after this event.
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(new HandshakeCompleted(digest));
    }

    /**
     * A signed challenge (digest C1 or S1): time 0, {@code version}, random bytes, and the digest
     * under {@code scheme} keyed with the sender's partial key.
     */
    static byte[] challenge(byte[] version, HandshakeDigest.Scheme scheme, HandshakeDigest.Key partialKey) {
        byte[] packet = new byte[PACKET_SIZE];
        ThreadLocalRandom.current().nextBytes(packet);
        Arrays.fill(packet, 0, 4, (byte) 0);
        System.arraycopy(version, 0, packet, 4, version.length);
        HandshakeDigest.imprint(packet, scheme, partialKey);
        return packet;
    }

    /** A signed response (digest C2 or S2) to the peer's challenge: random bytes and the signature. */
    static byte[] response(byte[] challengeDigest, HandshakeDigest.Key fullKey) {
        byte[] packet = new byte[PACKET_SIZE];
        ThreadLocalRandom.current().nextBytes(packet);
        HandshakeDigest.signResponse(packet, HandshakeDigest.responseKey(challengeDigest, fullKey));
        return packet;
    }

    private void timedOut(ChannelHandlerContext ctx) {
        if (outcome != Outcome.PENDING) {
            return;
        }
        fail(ctx, "timed out after " + timer.elapsedMillis() + " ms awaiting " + awaiting()
                + " (limit " + timer.timeoutMillis() + " ms)");
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        outcome = Outcome.FAILED;
        WorkerCounters.handshakeError();
        timer.cancel();
        forget();
        ConnectionLogUtil.warn(log, ctx.channel(), "handshake failed [remote:{}]: {}",
                ctx.channel().remoteAddress(), reason);
        ctx.close();
    }
}
