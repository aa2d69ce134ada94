/**
 * RTMP, bottom to top: {@code handshake}, {@code chunk} (the chunk stream codec and its limits),
 * {@code message} (typed messages, protocol control), {@code amf} (AMF0/AMF3), {@code session}
 * (commands, publish and play), {@code server} (the listener and its pipeline builder) and
 * {@code client} (the client the relay and the benchmark use). {@link io.sluice.worker.rtmp.RtmpProtocolException}
 * is the one error a peer's bad bytes raise.
 */
package io.sluice.worker.rtmp;
