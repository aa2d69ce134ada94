package io.sluice.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The HTTP listener every worker runs for browsers: HTTP-FLV and WebSocket-FLV on the same port
 * (section {@code http}). Ranges are checked when the configuration is loaded; see
 * conf/sluice.yaml for each key.
 *
 * @param enabled        whether workers listen for HTTP at all
 * @param bind           listen address
 * @param port           listen port, shared by all workers with SO_REUSEPORT
 * @param corsOrigin     value of {@code Access-Control-Allow-Origin} on every answer: {@code *} or one origin
 * @param maxRequestLine longest request line accepted (method, path, version), in bytes
 * @param maxHeaderSize  most bytes of request headers accepted, all together
 * @param maxWsFrame     largest WebSocket frame payload accepted from a client (they send only control frames)
 * @param requestTimeout a connection whose request has not arrived whole after this long is closed
 */
public record HttpSettings(boolean enabled, String bind, int port, String corsOrigin, int maxRequestLine,
                           int maxHeaderSize, int maxWsFrame, Duration requestTimeout) {

    public HttpSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(corsOrigin, "corsOrigin");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static HttpSettings defaults() {
        return new HttpSettings(true, "0.0.0.0", 8080, "*", 4 << 10, 8 << 10, 4 << 10, Duration.ofSeconds(10));
    }
}
