package io.sluice.common.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code cluster} section: forms, the secret rule, defaults, and no secret in messages. */
class ClusterConfigTest {

    private static final String SECRET = "s3cret-shared-by-all-hosts";

    private static ConfigException rejected(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
    }

    @Test
    void absentMeansOneHost() throws ConfigException {
        ClusterSettings c = ConfigLoader.parse("workers: 2\n", "t.yaml").cluster();
        assertFalse(c.enabled());
        assertEquals(Duration.ofSeconds(10), c.leaseTtl());
        assertEquals("h1", c.nodeOr("h1"));
        assertEquals("h1:1935", c.advertiseOr("h1", 1935));
    }

    @Test
    void fullSectionIsRead() throws ConfigException {
        ClusterSettings c = ConfigLoader.parse("cluster:\n  redis: rediss://user:pw@redis.example:6380/2\n"
                + "  node: edge-1\n  advertise: 10.0.0.5:1935\n  secret: " + SECRET + "\n  lease_ttl: 4s\n", "t.yaml")
                .cluster();
        assertTrue(c.enabled());
        assertEquals("edge-1", c.nodeOr("ignored"));
        assertEquals("10.0.0.5:1935", c.advertiseOr("edge-1", 1935));
        assertEquals(Duration.ofSeconds(4), c.leaseTtl());
        assertFalse(c.toString().contains(SECRET), c.toString());
        assertFalse(c.toString().contains("pw"), c.toString());
    }

    @Test
    void badRedisUrlIsAConfigErrorAtItsLine() {
        for (String bad : new String[] {"http://redis:6379", "redis://", "redis:6379", "redis://h:0", "redis://h/x",
                "redis://h:6379?timeout=1"}) {
            ConfigException e = rejected("workers: 1\ncluster:\n  redis: \"" + bad + "\"\n  secret: " + SECRET + "\n");
            assertEquals("cluster.redis", e.key(), bad);
            assertEquals(3, e.line(), bad);
            assertTrue(e.getMessage().startsWith("t.yaml:3:"), e.getMessage());
        }
    }

    @Test
    void aPasswordInABadUrlStaysOutOfTheMessage() {
        ConfigException e = rejected("cluster:\n  redis: \"http://user:hunter2hunter2@h\"\n  secret: " + SECRET + "\n");
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void secretIsRequiredWithRedis() {
        ConfigException e = rejected("cluster:\n  redis: redis://127.0.0.1:6379\n");
        assertEquals("cluster.redis", e.key());
        assertEquals(2, e.line());
        assertTrue(e.detail().contains("secret is required"), e.detail());
    }

    @Test
    void shortSecretIsRefusedWithoutShowingIt() {
        ConfigException e = rejected("cluster:\n  redis: redis://h\n  secret: short-one\n");
        assertEquals("cluster.secret", e.key());
        assertEquals(3, e.line());
        assertFalse(e.getMessage().contains("short-one"), e.getMessage());
    }

    @Test
    void nodeAndAdvertiseForms() {
        assertEquals("cluster.node", rejected("cluster:\n  node: \"a b\"\n").key());
        assertEquals("cluster.advertise", rejected("cluster:\n  advertise: 10.0.0.5\n").key());
        assertEquals("cluster.lease_ttl", rejected("cluster:\n  lease_ttl: 1s\n").key());
    }

    @Test
    void secretChangesShowOnlyThatItIsSet() throws ConfigException {
        SluiceConfig next = ConfigLoader.parse("cluster:\n  redis: redis://h\n  secret: " + SECRET + "\n", "t.yaml");
        String diff = ConfigDiff.between(SluiceConfig.defaults(), next).toString();
        assertFalse(diff.contains(SECRET), diff);
    }
}
