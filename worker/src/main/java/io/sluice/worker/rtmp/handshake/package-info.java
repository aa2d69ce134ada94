/**
 * The RTMP handshake (spec section 5.2): {@link io.sluice.worker.rtmp.handshake.HandshakeHandler} on
 * accepted connections, {@link io.sluice.worker.rtmp.handshake.ClientHandshakeHandler} on connections we
 * open. Each completes the exchange of version bytes and 1536-byte packets, removes itself from the
 * pipeline, fires {@link io.sluice.worker.rtmp.handshake.HandshakeCompleted} and hands every byte that
 * followed the handshake to the next handler (the chunk decoder). Nothing here knows about chunks.
 */
package io.sluice.worker.rtmp.handshake;
