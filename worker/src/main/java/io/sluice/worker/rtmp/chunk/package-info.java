/**
 * The RTMP chunk stream: {@link io.sluice.worker.rtmp.chunk.ChunkDecoder} reassembles messages
 * within the limits it is given (message size before and after publish, chunk streams, the
 * worker's {@link io.sluice.worker.rtmp.chunk.IncompleteMessageBudget}), and
 * {@link io.sluice.worker.rtmp.chunk.ChunkEncoder} splits messages into chunks.
 */
package io.sluice.worker.rtmp.chunk;
