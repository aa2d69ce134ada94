package io.sluice.worker.net;

import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What every layer may want to know about one client connection, whatever its protocol, shared
 * through a channel attribute (handlers never look each other up): its id for logs, the peer,
 * byte counters and what the session is doing, for acknowledgements, load figures and the
 * control CLI.
 *
 * <p>Counters are written on the channel's event loop only and read anywhere.
 */
public final class Connection {

    public static final AttributeKey<Connection> KEY = AttributeKey.valueOf("sluice.connection");

    /** What a connection is used for, as {@code bin/ctl clients} shows it. */
    public enum Role { CONNECTING, IDLE, PUBLISHER, PLAYER, RELAY }

    private final String id;
    private final String remote;
    private final long startedAtMillis = System.currentTimeMillis();
    private volatile long bytesIn;
    private volatile long bytesOut;
    private volatile Role role = Role.CONNECTING;
    private volatile String stream;
    private volatile String protocol = "rtmp";
    private volatile boolean publishAccepted;
    /** Set by the pipeline's builder before the connection reads anything; used on its event loop. */
    private WireSink sink;

    public Connection(Channel channel) {
        this.id = channel.id().asShortText();
        this.remote = describe(channel.remoteAddress());
    }

    public static Connection of(Channel channel) {
        Connection c = channel.attr(KEY).get();
        if (c == null) {
            c = new Connection(channel);
            Connection raced = channel.attr(KEY).setIfAbsent(c);
            if (raced != null) {
                c = raced;
            }
        }
        return c;
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ':' + inet.getPort();
        }
        if (address instanceof DomainSocketAddress) {
            return "unix-socket"; // a relay from another worker of this server
        }
        return address == null ? "local" : address.toString();
    }

    public String id() {
        return id;
    }

    public String remote() {
        return remote;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField") // single writer: the event loop
    void addBytesIn(long n) {
        bytesIn += n;
    }

    /** Bytes written to the socket; the traffic handler counts the pipeline's, the fan-out its direct writes. */
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    public void addBytesOut(long n) {
        bytesOut += n;
    }

    public Role role() {
        return role;
    }

    public String stream() {
        return stream;
    }

    /** What the client speaks, as {@code bin/ctl clients} shows it: rtmp, http-flv, ws-flv. */
    public String protocol() {
        return protocol;
    }

    /** Set by the protocol that serves the connection once it knows (default rtmp). */
    public void protocol(String protocol) {
        this.protocol = protocol;
    }

    public void role(Role role, String stream) {
        this.role = role;
        this.stream = stream;
    }

    /**
     * True while a publish of this connection is accepted (the cluster-wide claim was granted):
     * only then may it send messages up to {@code rtmp.max_message_size}, and only then does it
     * count as a publisher when the worker's incomplete-message budget runs out. Written on the
     * event loop, read by the chunk decoder (same loop) and by the budget (any loop).
     */
    public boolean publishAccepted() {
        return publishAccepted;
    }

    public void publishAccepted(boolean accepted) {
        this.publishAccepted = accepted;
    }

    /** Where the connection's encoded bytes go (see {@link WireSink}); null when its builder set none. */
    public WireSink sink() {
        return sink;
    }

    /** Called by the pipeline's builder once the pipeline is complete. */
    public void sink(WireSink sink) {
        this.sink = sink;
    }
}
