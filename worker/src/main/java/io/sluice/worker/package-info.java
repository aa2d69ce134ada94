/**
 * The data plane: RTMP over Netty epoll, live fan-out, relays, the worker end of the channel.
 * {@code WorkerMain} wires the worker's parts: the {@code runtime} (event loops, streams,
 * connections), the listeners that plug into it ({@code rtmp.server}), the relays and the channel
 * to the master. Which package may use which is a rule, {@code WorkerLayeringTest}.
 */
package io.sluice.worker;
