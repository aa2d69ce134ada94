package io.sluice.common.protocol.control;

/** One client session as {@code bin/ctl clients} shows it ({@code client.list} returns a list of them). */
public record ClientView(int worker, String id, String address, String protocol, String role, String stream,
                         long bytesIn, long bytesOut, long durationMillis) {
}
