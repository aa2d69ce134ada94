package io.sluice.common.protocol;

/**
 * {@code worker.identify} request data: who is connecting. Also the data of
 * {@code worker.running}, which a worker sends once its RTMP port and relay endpoint are bound.
 *
 * @param port          the bound RTMP port (0 in {@code worker.identify}, before binding)
 * @param relayEndpoint the Unix socket other workers relay streams from (null before binding)
 */
public record WorkerIdentity(int id, int generation, long pid, int port, String relayEndpoint) {
}
