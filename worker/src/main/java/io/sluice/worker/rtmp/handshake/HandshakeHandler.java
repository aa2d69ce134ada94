package io.sluice.worker.rtmp.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.sluice.worker.rtmp.handshake.HandshakeDigest.Key;
import io.sluice.worker.rtmp.handshake.HandshakeDigest.Scheme;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static io.sluice.worker.rtmp.handshake.HandshakeDigest.PACKET_SIZE;

/**
 * Server side of the RTMP handshake (spec 5.2), first handler of every accepted connection.
 *
 * <p>Reads C0 and C1, answers S0+S1+S2 in one write, reads C2, then removes itself from the pipeline,
 * fires {@link HandshakeCompleted} and lets the bytes that followed C2 reach the next handler: ffmpeg
 * and OBS often send {@code connect} in the same TCP segment as C2 (see {@link AbstractHandshakeHandler}).
 *
 * <p>A C1 carrying a client digest gets the digest answer ffmpeg and Flash verify; any other C1 gets
 * the simple answer of spec 5.2.3/5.2.4. An unsupported version byte, encrypted RTMPE or a handshake
 * that does not finish within the timeout ends in one WARN line and a closed connection.
 */
public final class HandshakeHandler extends AbstractHandshakeHandler {

    /**
     * Version field of our digest S1: Flash Media Server 4.5.0.1. ffmpeg verifies the server's digest
     * only when the first version byte is at least 3, so the answer must not look older.
     */
    private static final byte[] SERVER_VERSION = {4, 5, 0, 1};

    private enum Step {
        READ_C0("C0"), READ_C1("C1"), READ_C2("C2");

        final String awaiting;

        Step(String awaiting) {
            this.awaiting = awaiting;
        }
    }

    private Step step = Step.READ_C0;
    private boolean digest;
    /** What C2 should echo (simple handshake); kept only to log a mismatch at DEBUG. */
    private byte[] s1;
    /** Key of C2's signature (digest handshake); kept only to log a mismatch at DEBUG. */
    private byte[] c2Key;

    /**
     * @param timeout time allowed from the handler joining the pipeline to the end of C2, e.g. 5 s
     */
    public HandshakeHandler(Duration timeout) {
        super(timeout);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        startTimer(ctx);
    }

    @Override
    String awaiting() {
        return step.awaiting;
    }

    @Override
    String peer() {
        return "peer";
    }

    @Override
    void forget() {
        s1 = null;
        c2Key = null;
    }

    @Override
    void step(ChannelHandlerContext ctx, ByteBuf in) {
        switch (step) {
            case READ_C0 -> readC0(in);
            case READ_C1 -> readC1(ctx, in);
            case READ_C2 -> readC2(ctx, in);
        }
    }

    private void readC0(ByteBuf in) {
        if (!in.isReadable()) {
            return;
        }
        // Check the version before waiting for C1: an RTMPE or HTTP client is refused at its first byte.
        requireVersion(in.readUnsignedByte(), "C0");
        step = Step.READ_C1;
    }

    private void readC1(ChannelHandlerContext ctx, ByteBuf in) {
        if (in.readableBytes() < PACKET_SIZE) {
            return;
        }
        byte[] c1 = new byte[PACKET_SIZE];
        in.readBytes(c1);

        // A zero version field means a simple C1: OBS sends one, since librtmp only signs C1 for RTMPE
        // or SWF verification. ffmpeg signs C1 under scheme 8, Flash Player under scheme 772.
        Optional<Scheme> scheme = HandshakeDigest.hasVersion(c1)
                ? HandshakeDigest.findScheme(c1, Key.PLAYER_PARTIAL)
                : Optional.empty();
        byte[] s2;
        if (scheme.isPresent()) {
            digest = true;
            s1 = challenge(SERVER_VERSION, scheme.get(), Key.SERVER_PARTIAL);
            s2 = response(HandshakeDigest.digestAt(c1, scheme.get()), Key.SERVER_FULL);
            c2Key = HandshakeDigest.responseKey(HandshakeDigest.digestAt(s1, scheme.get()), Key.PLAYER_FULL);
        } else {
            if (HandshakeDigest.hasVersion(c1)) {
                // nginx-rtmp and SRS fall back the same way; some encoders fill the version field
                // without signing C1.
                ConnectionLogUtil.debug(log, ctx.channel(),
                        "C1 has version {} but no digest under either scheme, using the simple handshake "
                                + "[remote:{}]", HandshakeDigest.version(c1), ctx.channel().remoteAddress());
            }
            s1 = simpleS1();
            // Spec 5.2.4 lets S2 carry our read time in bytes 4..7, but clients (librtmp among them)
            // compare S2 with their C1 byte for byte, so echo C1 verbatim.
            s2 = c1;
        }

        // S0, S1 and S2 in one buffer and one flush: one TCP segment instead of three saves round
        // trips before the first frame reaches a player.
        ByteBuf answer = ctx.alloc().buffer(1 + 2 * PACKET_SIZE);
        answer.writeByte(RTMP_VERSION).writeBytes(s1).writeBytes(s2);
        step = Step.READ_C2;
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private void readC2(ChannelHandlerContext ctx, ByteBuf in) {
        if (in.readableBytes() < PACKET_SIZE) {
            return;
        }
        if (log.isDebugEnabled()) {
            byte[] c2 = new byte[PACKET_SIZE];
            in.readBytes(c2);
            checkC2(ctx, c2);
        } else {
            in.skipBytes(PACKET_SIZE);
        }
        complete(ctx, digest);
    }

    /**
     * Not strict about C2: Flash, OBS and ffmpeg variants differ in what they put there (ffmpeg echoes
     * S1 to a server it did not verify, Flash signs it), and nothing later depends on it.
     */
    private void checkC2(ChannelHandlerContext ctx, byte[] c2) {
        boolean expected = digest ? HandshakeDigest.verifyResponse(c2, c2Key) : Arrays.equals(c2, s1);
        if (!expected) {
            ConnectionLogUtil.debug(log, ctx.channel(), "C2 is not the expected {} [remote:{}], accepting it",
                    digest ? "signed response" : "echo of S1", ctx.channel().remoteAddress());
        }
    }

    /**
     * Spec 5.2.2: 3 is the version; 0-2 are deprecated, 4-31 reserved, 32-255 never valid so that RTMP
     * stands apart from text protocols. The spec suggests answering 3 to an unknown version; we close
     * instead, since no client in use sends anything but 3 unless it wants RTMPE.
     */
    static void requireVersion(int version, String packet) {
        if (version == RTMP_VERSION) {
            return;
        }
        if (version == 6 || version == 8 || version == 9) {
            // librtmp and ffmpeg: 6 = RTMPE (Diffie-Hellman + RC4), 8 = RTMPE with XTEA, 9 = with Blowfish.
            throw new HandshakeException("encrypted RTMPE handshake (version " + version + ") is not supported");
        }
        throw new HandshakeException("unsupported RTMP version " + version + " in " + packet + " (expected "
                + RTMP_VERSION + (version >= 32 ? "; a byte >= 32 suggests a text protocol such as HTTP)" : ")"));
    }

    /** Spec 5.2.3: time (0 is allowed, and our chunk timestamps start at 0), zero, random bytes. */
    private static byte[] simpleS1() {
        byte[] s1 = new byte[PACKET_SIZE];
        ThreadLocalRandom.current().nextBytes(s1);
        Arrays.fill(s1, 0, 8, (byte) 0);
        return s1;
    }
}
