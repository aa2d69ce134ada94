/**
 * Relays between workers: a worker whose players want a stream published on another worker
 * plays it once from that worker's relay endpoint (RTMP over a Unix socket) and publishes it
 * into its own registry, where its players get it like any local stream.
 */
package io.sluice.worker.relay;
