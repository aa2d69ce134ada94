package io.sluice.bench.hostile;

import io.netty.channel.ChannelHandlerContext;

/**
 * Idle sockets: connections that open TCP and send nothing ({@code idle-tcp}), or complete the
 * handshake and then send nothing ({@code idle-handshake}). Kept open; the ones the server closes
 * are replaced, up to {@code total}.
 */
record IdleSockets(boolean handshake, int connections, int perSecond, int total) implements Attack {

    static IdleSockets of(boolean handshake, Params p) {
        return new IdleSockets(handshake, p.integer("connections", 1000), p.integer("per-second", 500),
                p.integer("total", 5000));
    }

    @Override
    public String kind() {
        return handshake ? "idle-handshake" : "idle-tcp";
    }

    @Override
    public String description() {
        return String.format("%d connections (%d new/s, %d in all) that %s and then send nothing", connections,
                perSecond, total, handshake ? "complete the handshake" : "open TCP");
    }

    @Override
    public Swarm swarm(Target target) {
        return new Swarm(target, connections, perSecond, total, (swarm, n) -> swarm.raw(handshake,
                () -> new Script(handshake) {
                    @Override
                    protected void begin(ChannelHandlerContext ctx) {
                        // Nothing: holding the socket is the attack.
                    }
                }));
    }
}
