/**
 * Live streams, whatever the protocol: the worker's {@link io.sluice.worker.stream.StreamRegistry},
 * each {@link io.sluice.worker.stream.LiveStream} with its GOP cache and fan-out to subscribers,
 * {@link io.sluice.worker.stream.MediaFrame}s carrying their encodings for the wire (each made once
 * per worker, {@link io.sluice.worker.stream.FrameEncoding}), and the
 * {@link io.sluice.worker.stream.ClusterView} through which a worker claims names server-wide.
 */
package io.sluice.worker.stream;
