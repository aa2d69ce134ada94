/**
 * What every connection has, whatever its protocol: its state ({@link io.sluice.worker.net.Connection},
 * a channel attribute), byte counting ({@link io.sluice.worker.net.TrafficCountingHandler}), the
 * write sink of each connection ({@link io.sluice.worker.net.WireSink}: direct vectored writes only
 * when no outbound handler changes bytes; {@link io.sluice.worker.net.WireBatch}), the event that
 * a connection is ready for its protocol ({@link io.sluice.worker.net.ConnectionReady}) and the
 * worker's connection limits ({@link io.sluice.worker.net.ConnectionLimits}). The bottom of the
 * worker: imports nothing else of it.
 */
package io.sluice.worker.net;
