/**
 * What every connection has, whatever its protocol: its state ({@link io.sluice.worker.net.Connection},
 * a channel attribute), byte counting ({@link io.sluice.worker.net.TrafficCountingHandler}) and the
 * worker's connection limits ({@link io.sluice.worker.net.ConnectionLimits}). The bottom of the
 * worker: imports nothing else of it.
 */
package io.sluice.worker.net;
