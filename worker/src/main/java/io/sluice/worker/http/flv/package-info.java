/**
 * FLV for live players over any byte transport: each frame as an FLV tag in the transport's
 * framing, made once per worker ({@link io.sluice.worker.http.flv.FlvTags}), and the player that
 * subscribes to a stream and writes the FLV header, the stream's start and its live tags
 * ({@link io.sluice.worker.http.flv.FlvPlayer}). Knows no HTTP request or WebSocket handshake.
 */
package io.sluice.worker.http.flv;
