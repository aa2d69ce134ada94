/**
 * What a worker process runs on, whatever protocols it serves: {@link io.sluice.worker.runtime.WorkerRuntime}
 * (event loops, live streams, connection limits, the cluster view) and the connections every
 * listener accepts ({@link io.sluice.worker.runtime.Connections}: load figures, dump, kick).
 * Listeners ({@code rtmp.server.RtmpListener} now, an HTTP listener next) plug in as
 * {@link io.sluice.worker.runtime.Listener}s. Knows no protocol: imports only {@code stream} and
 * {@code net}.
 */
package io.sluice.worker.runtime;
