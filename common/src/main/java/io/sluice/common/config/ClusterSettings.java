package io.sluice.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Several hosts sharing one stream directory in Redis (section {@code cluster}). With
 * {@code redis} empty the server is a single host, as without the section. Ranges are checked
 * when the configuration is loaded; see conf/sluice.yaml for each key.
 *
 * @param redis     {@code redis://} or {@code rediss://} URL of the shared directory; empty: one host
 * @param node      this host's id in the cluster; empty: the host name
 * @param advertise {@code host:port} other hosts open their relays to (this host's RTMP port);
 *                  empty: the node name and {@code rtmp.port}
 * @param secret    shared by every host: relays between hosts carry a token signed with it
 * @param leaseTtl  how long a claim outlives its host's last renewal
 */
public record ClusterSettings(String redis, String node, String advertise, String secret, Duration leaseTtl) {

    public ClusterSettings {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(advertise, "advertise");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml: a single host. */
    public static ClusterSettings defaults() {
        return new ClusterSettings("", "", "", "", Duration.ofSeconds(10));
    }

    /** Whether this host shares its directory with others. */
    public boolean enabled() {
        return !redis.isEmpty();
    }

    /** {@link #node()}, or the host name when it is empty. */
    public String nodeOr(String hostName) {
        return node.isEmpty() ? hostName : node;
    }

    /** {@link #advertise()}, or {@code node:rtmpPort} when it is empty. */
    public String advertiseOr(String nodeName, int rtmpPort) {
        return advertise.isEmpty() ? nodeName + ":" + rtmpPort : advertise;
    }

    /** Never the secret, nor a password in the URL: records print their fields, and logs keep them. */
    @Override
    public String toString() {
        return "ClusterSettings[redis=" + redactedRedis() + ", node=" + node + ", advertise=" + advertise
                + ", secret=" + (secret.isEmpty() ? "" : "(set)") + ", leaseTtl=" + leaseTtl + "]";
    }

    /** The Redis URL without its user information (a password), for logs. */
    public String redactedRedis() {
        if (redis.isEmpty()) {
            return redis;
        }
        try {
            URI uri = URI.create(redis);
            return uri.getUserInfo() == null ? redis : redis.replace(uri.getRawUserInfo() + "@", "(credentials)@");
        } catch (IllegalArgumentException e) {
            return "(malformed)";
        }
    }
}
