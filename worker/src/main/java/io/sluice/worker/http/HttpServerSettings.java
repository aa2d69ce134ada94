package io.sluice.worker.http;

import io.sluice.common.config.SluiceConfig;

import java.time.Duration;

/**
 * What one HTTP connection is held to, read from the configuration when it is accepted (a reload
 * applies to connections opened after it).
 *
 * @param corsOrigin      {@code http.cors_origin}
 * @param maxRequestLine  {@code http.max_request_line}, bytes
 * @param maxHeaderSize   {@code http.max_header_size}, bytes
 * @param maxWsFrame      {@code http.max_ws_frame}, bytes
 * @param requestTimeout  {@code http.request_timeout}
 * @param writeBufferLow  {@code players.write_buffer_low}, bytes
 * @param writeBufferHigh {@code players.write_buffer_high}, bytes
 * @param slowTimeout     {@code players.slow_timeout}
 * @param playWaitTimeout {@code players.play_wait_timeout}; zero waits for ever
 */
public record HttpServerSettings(String corsOrigin, int maxRequestLine, int maxHeaderSize, int maxWsFrame,
                                 Duration requestTimeout, int writeBufferLow, int writeBufferHigh,
                                 Duration slowTimeout, Duration playWaitTimeout) {

    public static HttpServerSettings from(SluiceConfig config) {
        var h = config.http();
        var p = config.players();
        return new HttpServerSettings(h.corsOrigin(), h.maxRequestLine(), h.maxHeaderSize(), h.maxWsFrame(),
                h.requestTimeout(), p.writeBufferLow(), p.writeBufferHigh(), p.slowTimeout(), p.playWaitTimeout());
    }
}
