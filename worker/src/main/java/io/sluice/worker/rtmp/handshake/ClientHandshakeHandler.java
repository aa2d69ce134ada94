package io.sluice.worker.rtmp.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.sluice.worker.rtmp.handshake.HandshakeDigest.Key;
import io.sluice.worker.rtmp.handshake.HandshakeDigest.Scheme;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import static io.sluice.worker.rtmp.handshake.HandshakeDigest.PACKET_SIZE;

/**
 * Client side of the RTMP handshake (spec 5.2), first handler of the connections our RTMP client,
 * relays and the load generator open.
 *
 * <p>Sends C0+C1 with a client digest (as ffmpeg does) once the channel is active, reads S0, S1 and
 * S2, writes C2, removes itself, fires {@link HandshakeCompleted} and hands any bytes that followed S2
 * to the next handler (see {@link AbstractHandshakeHandler}). C2 is flushed after the event, so a
 * {@code connect} the next handler writes while handling the event leaves in the same TCP segment.
 *
 * <p>A server whose S1 claims a version but carries no valid server digest is logged at WARN and
 * answered like a simple server; the handshake goes on. A wrong S0 or a timeout ends in one WARN line
 * and a closed connection.
 */
public final class ClientHandshakeHandler extends AbstractHandshakeHandler {

    /** C1 version field: Flash Player 9.0.124.2, which ffmpeg emulates. */
    private static final byte[] CLIENT_VERSION = {9, 0, 124, 2};

    private enum Step {
        SEND_C0C1("channel active"), READ_S0("S0"), READ_S1("S1"), READ_S2("S2");

        final String awaiting;

        Step(String awaiting) {
            this.awaiting = awaiting;
        }
    }

    private Step step = Step.SEND_C0C1;
    private byte[] c1;
    private byte[] s1;
    /** The server's S1 digest when it validated; null for a simple (or unverifiable) server. */
    private byte[] serverDigest;

    /**
     * @param timeout time allowed from sending C0+C1 (on channel activation) to the end of S2, e.g. 5 s
     */
    public ClientHandshakeHandler(Duration timeout) {
        super(timeout);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            sendC0C1(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (step == Step.SEND_C0C1) {
            sendC0C1(ctx);
        }
        ctx.fireChannelActive();
    }

    @Override
    String awaiting() {
        return step.awaiting;
    }

    @Override
    String peer() {
        return "server";
    }

    @Override
    void forget() {
        c1 = null;
        s1 = null;
        serverDigest = null;
    }

    @Override
    void step(ChannelHandlerContext ctx, ByteBuf in) {
        switch (step) {
            case SEND_C0C1 -> {
                // Nothing can arrive before we spoke; leave it for the checks below.
            }
            case READ_S0 -> readS0(in);
            case READ_S1 -> readS1(ctx, in);
            case READ_S2 -> readS2(ctx, in);
        }
    }

    private void sendC0C1(ChannelHandlerContext ctx) {
        // Time 0 ("client uptime" in ffmpeg), our version, random bytes, the digest under the scheme
        // ffmpeg and librtmp use for plain RTMP.
        c1 = challenge(CLIENT_VERSION, Scheme.BASE_8, Key.PLAYER_PARTIAL);
        ByteBuf c0c1 = ctx.alloc().buffer(1 + PACKET_SIZE);
        c0c1.writeByte(RTMP_VERSION).writeBytes(c1);
        step = Step.READ_S0;
        startTimer(ctx);
        ctx.writeAndFlush(c0c1).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private void readS0(ByteBuf in) {
        if (!in.isReadable()) {
            return;
        }
        int version = in.readUnsignedByte();
        if (version != RTMP_VERSION) {
            throw new HandshakeException("server answered RTMP version " + version + " in S0 (expected "
                    + RTMP_VERSION + ")");
        }
        step = Step.READ_S1;
    }

    private void readS1(ChannelHandlerContext ctx, ByteBuf in) {
        if (in.readableBytes() < PACKET_SIZE) {
            return;
        }
        s1 = new byte[PACKET_SIZE];
        in.readBytes(s1);
        if (HandshakeDigest.hasVersion(s1)) {
            // ffmpeg tries the 772 scheme first, then 8; servers sign under the client's scheme
            // (SRS) or always under 8 (nginx-rtmp).
            Optional<Scheme> scheme = HandshakeDigest.findScheme(s1, Key.SERVER_PARTIAL);
            if (scheme.isPresent()) {
                serverDigest = HandshakeDigest.digestAt(s1, scheme.get());
            } else {
                // ffmpeg fails here only when playing; we keep going like a client of a simple server.
                ConnectionLogUtil.warn(log, ctx.channel(),
                        "server S1 has version {} but no valid server digest, continuing with the simple "
                                + "handshake [remote:{}]", HandshakeDigest.version(s1), ctx.channel().remoteAddress());
            }
        }
        step = Step.READ_S2;
    }

    private void readS2(ChannelHandlerContext ctx, ByteBuf in) {
        if (in.readableBytes() < PACKET_SIZE) {
            return;
        }
        byte[] s2 = new byte[PACKET_SIZE];
        in.readBytes(s2);
        byte[] c2;
        if (serverDigest != null) {
            byte[] s2Key = HandshakeDigest.responseKey(HandshakeDigest.digestAt(c1, Scheme.BASE_8), Key.SERVER_FULL);
            if (!HandshakeDigest.verifyResponse(s2, s2Key)) {
                ConnectionLogUtil.warn(log, ctx.channel(),
                        "server S2 signature does not match our C1 digest, continuing [remote:{}]",
                        ctx.channel().remoteAddress());
            }
            // C2 as ffmpeg builds it: random bytes signed with a key derived from the server's digest.
            c2 = response(serverDigest, Key.PLAYER_FULL);
        } else {
            if (!Arrays.equals(s2, c1)) {
                ConnectionLogUtil.debug(log, ctx.channel(), "server S2 is not an echo of C1, accepting it [remote:{}]",
                        ctx.channel().remoteAddress());
            }
            c2 = s1; // spec 5.2.4: C2 echoes S1
        }
        ByteBuf c2Buf = ctx.alloc().buffer(PACKET_SIZE);
        c2Buf.writeBytes(c2);
        ctx.write(c2Buf).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        complete(ctx, serverDigest != null);
        ctx.flush();
    }
}
