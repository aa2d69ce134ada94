package io.sluice.common.protocol;

import io.sluice.common.channel.ChannelJson;
import io.sluice.common.config.SluiceConfig;

/**
 * Runs the channel's JSON paths once (the configuration in worker.identify's answer, the
 * identity, the heartbeat's load), so that their classes are loaded before they are needed: the
 * master does it before it spawns workers (a busy machine otherwise kept the first
 * worker.identify waiting seconds for class loading), and a worker's class-data-sharing training
 * run does it so that the archive holds them.
 */
public final class ProtocolWarmUp {

    private ProtocolWarmUp() {
    }

    public static void run(SluiceConfig config, String relayEndpoint) {
        IdentifyReply reply = new IdentifyReply(config, relayEndpoint);
        ChannelJson.convert(ChannelJson.parse(ChannelJson.write(ChannelJson.toTree(reply))), IdentifyReply.class);
        ChannelJson.convert(ChannelJson.toTree(new WorkerIdentity(1, 1, 1, 1, relayEndpoint)), WorkerIdentity.class);
        ChannelJson.convert(ChannelJson.toTree(new WorkerLoad(0, 0, 0, 0, 0, 0, 0, false, 0, 0, null)), WorkerLoad.class);
    }
}
