/**
 * The server side of an RTMP NetConnection and its NetStreams: commands, publishing into and
 * playing from live streams, slow players, the idle timeout.
 *
 * <p>It uses only its neighbours: messages ({@code rtmp.message}, with AMF values from
 * {@code rtmp.amf}) below, streams ({@code stream}) above, plus what every connection has
 * ({@code net}: its state and write sink) and the RTMP protocol error ({@code rtmp}). It never sees
 * chunks or the handshake: a frame's RTMP chunks are made by the message layer's
 * {@code StandaloneChunkWriter} ({@link io.sluice.worker.rtmp.session.RtmpChunks}), and the
 * session starts on {@code net.ConnectionReady}.
 */
package io.sluice.worker.rtmp.session;
