package io.sluice.bench.hostile;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.worker.rtmp.handshake.ClientHandshakeHandler;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Keeps an attack's connections up: opens them at most {@code openPerSecond}, keeps at most
 * {@code concurrency} open, replaces each one that closes (the server's doing or the script's),
 * and never opens more than {@code maxTotal} in all. Bounded in count by that and in time by
 * {@link #stop}, which closes everything it opened.
 *
 * <p>A pacing tick every 10 ms on one of the attack's loops decides how many to open; each
 * connection then lives on whichever loop it was given.
 */
public final class Swarm {

    /**
     * Opens connection number {@code n} (through {@link #raw} or {@link #adopt}) and completes with
     * its channel once the attack runs on it, or exceptionally when it never got that far.
     */
    @FunctionalInterface
    public interface Opener {
        CompletableFuture<Channel> open(Swarm swarm, int n);
    }

    private static final AttributeKey<Boolean> CLOSED_BY_US = AttributeKey.valueOf("hostile.closedByUs");
    private static final long TICK_MILLIS = 10;

    private final Target target;
    private final int concurrency;
    private final double openPerSecond;
    private final int maxTotal;
    private final Opener opener;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closedByServer = new AtomicLong();
    private final AtomicLong failedToStart = new AtomicLong();
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private int launched;
    private double tokens;
    private long lastTick;
    private volatile boolean stopping;
    private ScheduledFuture<?> ticker;

    public Swarm(Target target, int concurrency, double openPerSecond, int maxTotal, Opener opener) {
        if (concurrency < 1 || openPerSecond <= 0 || maxTotal < 1) {
            throw new IllegalArgumentException("concurrency, rate and total must be positive");
        }
        this.target = target;
        this.concurrency = concurrency;
        this.openPerSecond = openPerSecond;
        this.maxTotal = maxTotal;
        this.opener = opener;
    }

    public Target target() {
        return target;
    }

    public void start() {
        lastTick = System.nanoTime();
        tokens = 1;
        ticker = target.group().next().scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Runs on one loop only, so launched/tokens need no locking. */
    private void tick() {
        if (stopping) {
            return;
        }
        long now = System.nanoTime();
        tokens = Math.min(Math.max(1, openPerSecond / 10), tokens + openPerSecond * (now - lastTick) / 1e9);
        lastTick = now;
        while (tokens >= 1 && live.get() < concurrency && launched < maxTotal) {
            tokens--;
            launch(launched++);
        }
    }

    private void launch(int n) {
        peak.accumulateAndGet(live.incrementAndGet(), Math::max);
        CompletableFuture<Channel> f;
        try {
            f = opener.open(this, n);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((ch, error) -> {
            if (error != null || ch == null) {
                failedToStart.incrementAndGet();
                live.decrementAndGet();
                return;
            }
            open.add(ch);
            ch.closeFuture().addListener(done -> {
                open.remove(ch);
                live.decrementAndGet();
                if (!Boolean.TRUE.equals(ch.attr(CLOSED_BY_US).get()) && !stopping) {
                    closedByServer.incrementAndGet();
                }
            });
            if (stopping) {
                closeByUs(ch);
            }
        });
    }

    /**
     * Stops opening, closes every connection and waits (at most 5 s) until they are closed; one
     * still being set up is closed when its set-up ends (the RTMP client gives up after 10 s).
     */
    public Tally stop() throws InterruptedException {
        stopping = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            open.forEach(Swarm::closeByUs);
            Thread.sleep(20);
        } while (live.get() > 0 && System.nanoTime() < deadline);
        return new Tally(opened.get(), peak.get(), closedByServer.get(), failedToStart.get(), sent.sum(),
                received.sum());
    }

    /** Closes a connection as the attacker's choice: not counted as closed by the server. */
    static void closeByUs(Channel ch) {
        ch.attr(CLOSED_BY_US).set(Boolean.TRUE);
        ch.close();
    }

    /**
     * A raw TCP connection to the target whose pipeline is a byte counter, the project's client
     * handshake when {@code handshake}, and the script. Completes when TCP is connected.
     */
    public CompletableFuture<Channel> raw(boolean handshake, Supplier<? extends ChannelHandler> script) {
        Bootstrap b = new Bootstrap()
                .group(target.group())
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("counter", counter());
                        if (handshake) {
                            ch.pipeline().addLast("handshake", new ClientHandshakeHandler(Duration.ofSeconds(10)));
                        }
                        ch.pipeline().addLast("script", script.get());
                    }
                });
        CompletableFuture<Channel> result = new CompletableFuture<>();
        ChannelFuture connecting = b.connect(target.address());
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                opened.incrementAndGet();
                result.complete(connecting.channel());
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    /** Counts a connection opened by other means (the RTMP client) and its bytes from now on. */
    public Channel adopt(Channel ch) {
        opened.incrementAndGet();
        ch.pipeline().addFirst("counter", counter());
        return ch;
    }

    private ChannelHandler counter() {
        return new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                received.add(size(msg));
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                sent.add(size(msg));
                ctx.write(msg, promise);
            }
        };
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf b) {
            return b.readableBytes();
        }
        return msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    }
}
