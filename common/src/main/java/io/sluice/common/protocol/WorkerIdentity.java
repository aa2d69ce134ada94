package io.sluice.common.protocol;

/**
 * {@code worker.identify} request data: who is connecting. Also the data of
 * {@code worker.running}, which a worker sends once its RTMP port is bound.
 *
 * @param port the bound RTMP port (0 in {@code worker.identify}, before binding)
 */
public record WorkerIdentity(int id, int generation, long pid, int port) {
}
