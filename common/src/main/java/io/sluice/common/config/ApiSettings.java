package io.sluice.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The master's HTTP listener for operators (section {@code api}): the JSON API under
 * {@code /api/v1/}, Prometheus metrics at {@code /metrics} and the dashboard at
 * {@code /dashboard/}. Ranges are checked when the configuration is loaded; see
 * conf/sluice.yaml for each key.
 *
 * @param listen           {@code host:port} the master listens on ({@code [::1]:1985} for IPv6
 *                         literals); empty turns the listener off
 * @param token            bearer token every request must carry; empty: none needed (only allowed
 *                         on a loopback address)
 * @param workerTimeout    how long an answer waits for each worker; a late worker is named in
 *                         the answer's {@code partial} list
 * @param streamMetrics    whether /metrics has series per stream
 * @param streamMetricsMax at most this many streams get series of their own
 */
public record ApiSettings(String listen, String token, Duration workerTimeout, boolean streamMetrics,
                          int streamMetricsMax) {

    public ApiSettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(workerTimeout, "workerTimeout");
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static ApiSettings defaults() {
        return new ApiSettings("127.0.0.1:1985", "", Duration.ofSeconds(1), false, 100);
    }

    /** Whether the listener is on at all. */
    public boolean enabled() {
        return !listen.isEmpty();
    }

    /** The host part of {@link #listen()}, without IPv6 brackets. */
    public String host() {
        int colon = listen.lastIndexOf(':');
        String host = listen.substring(0, colon);
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port part of {@link #listen()}. */
    public int port() {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    /**
     * Whether {@link #host()} is a loopback address, decided from the text alone (no name
     * lookup: a configuration check must not depend on DNS): 127.0.0.0/8, ::1 and localhost.
     */
    public boolean loopback() {
        String h = host();
        return h.equals("localhost") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
    }

    /** Never the token itself: records print their fields, and the token must not reach a log. */
    @Override
    public String toString() {
        return "ApiSettings[listen=" + listen + ", token=" + (token.isEmpty() ? "" : "(set)") + ", workerTimeout="
                + workerTimeout + ", streamMetrics=" + streamMetrics + ", streamMetricsMax=" + streamMetricsMax + "]";
    }
}
