package io.sluice.common.protocol;

import io.sluice.common.config.SluiceConfig;

/**
 * {@code worker.identify} response data: the configuration the worker runs with. The master
 * sends the configuration it validated, so a worker never reads a file that changed since.
 */
public record IdentifyReply(SluiceConfig config) {
}
