/**
 * Who may connect, publish and play: the apps served, their address rules and signed URLs, and
 * the HTTP callbacks (nginx-rtmp's {@code on_publish} contract). One {@link io.sluice.worker.access.AccessControl}
 * per worker answers every protocol's questions (RTMP, HTTP-FLV, and later HLS), asynchronously
 * when a hook is asked, never blocking an event loop. Knows no protocol.
 */
package io.sluice.worker.access;
