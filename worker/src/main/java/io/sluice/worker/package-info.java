/** The data plane: RTMP over Netty epoll, live fan-out, relays, the worker end of the channel. */
package io.sluice.worker;
