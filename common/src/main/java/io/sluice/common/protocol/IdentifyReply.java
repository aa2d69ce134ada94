package io.sluice.common.protocol;

import io.sluice.common.config.SluiceConfig;

/**
 * {@code worker.identify} response data: the configuration the worker runs with (the master
 * sends the configuration it validated, so a worker never reads a file that changed since), and
 * where to bind its relay endpoint.
 */
public record IdentifyReply(SluiceConfig config, String relayEndpoint) {
}
