package io.sluice.bench.hostile;

import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;

/**
 * Where attackers go and what they run on: the server's RTMP address, the application and the
 * name the honest publisher uses there (players that stop reading play it), and the event loops
 * the attackers' connections live on (not the honest players' loops).
 */
public record Target(EventLoopGroup group, InetSocketAddress address, String app, String honestStream) {

    public String tcUrl() {
        return "rtmp://" + address.getHostString() + ":" + address.getPort() + "/" + app;
    }
}
