package io.sluice.worker.rtmp.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.sluice.worker.access.Refusal;
import io.sluice.worker.access.Verdict;
import io.sluice.worker.rtmp.RtmpProtocolException;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A session waiting for an access decision (a hook, or the master counting a limit): reading
 * stops, what was already decoded is held, and once the decision is in it is handled in order.
 * A client that sends createStream and publish without waiting for the connect's answer sees
 * them answered as before. On the connection's event loop only.
 */
final class AccessWait {

    /**
     * Messages held at most while a decision is pending (reading stops meanwhile, so only what
     * one read decoded can arrive); a client that sends more without waiting is broken.
     */
    static final int MAX_HELD_MESSAGES = 1024;

    private final SessionHandler session;
    /** Messages read while a decision was pending, in order; null when none is. */
    private ArrayDeque<Object> held;

    AccessWait(SessionHandler session) {
        this.session = session;
    }

    /** Keeps {@code msg} for later when a decision is pending (then it owns it); false otherwise. */
    boolean hold(Object msg) {
        if (held == null) {
            return false;
        }
        if (held.size() >= MAX_HELD_MESSAGES) {
            ReferenceCountUtil.release(msg);
            throw new RtmpProtocolException("more than " + MAX_HELD_MESSAGES
                    + " messages sent while an access check was pending");
        }
        held.add(msg);
        return true;
    }

    /** Runs {@code then} with the decision: at once when it is made, else on the loop when it arrives. */
    void decide(CompletableFuture<Verdict> verdict, Consumer<Verdict> then) {
        if (verdict.isDone()) {
            then.accept(verdict.join());
            return;
        }
        ChannelHandlerContext ctx = session.ctx;
        held = new ArrayDeque<>();
        ctx.channel().config().setAutoRead(false);
        verdict.whenComplete((v, error) -> ctx.executor().execute(() -> {
            if (!ctx.channel().isActive()) {
                releaseHeld();
                if (v instanceof Verdict.Allowed allowed) {
                    session.access.release(allowed); // admitted for a client that has left
                }
                return;
            }
            try {
                then.accept(error == null ? v : session.access.refuse(Refusal.HOOK, "The access check failed."));
            } catch (RuntimeException e) {
                releaseHeld();
                session.exceptionCaught(ctx, e);
                return;
            }
            replay(ctx);
        }));
    }

    private void replay(ChannelHandlerContext ctx) {
        ArrayDeque<Object> queue = held;
        held = null;
        while (queue != null && !queue.isEmpty()) {
            if (session.closing() || !ctx.channel().isActive()) {
                queue.forEach(ReferenceCountUtil::release);
                return;
            }
            if (held != null) {
                held.addAll(queue); // a held message asked for another decision: the rest waits again
                return;
            }
            Object msg = queue.poll();
            try {
                session.channelRead(ctx, msg);
            } catch (RuntimeException e) {
                queue.forEach(ReferenceCountUtil::release);
                session.exceptionCaught(ctx, e);
                return;
            }
        }
        session.flushIfWritten();
        if (held == null) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** The connection closed: what was held is dropped. */
    void releaseHeld() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held = null;
        }
    }
}
