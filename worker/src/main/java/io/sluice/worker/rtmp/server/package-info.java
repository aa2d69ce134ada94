/**
 * The RTMP server's entry, as {@code rtmp.client} is the client's:
 * {@link io.sluice.worker.rtmp.server.RtmpListener} binds the client port (SO_REUSEPORT) and the
 * relay endpoint on the worker runtime's event loops,
 * {@link io.sluice.worker.rtmp.server.RtmpServerInitializer} builds each connection's pipeline from
 * every RTMP layer and gives it its write sink, and
 * {@link io.sluice.worker.rtmp.server.AdmissionHandler} applies the connection limits after the
 * handshake. The only RTMP package that knows them all, and the runtime.
 */
package io.sluice.worker.rtmp.server;
