package io.sluice.common.config;

import io.sluice.common.access.AccessRule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The apps and hooks sections: what they read, and what they refuse with file:line. */
class AccessConfigTest {

    private static ConfigException rejected(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
    }

    @Test
    void onlyLiveIsServedByDefault() throws ConfigException {
        SluiceConfig config = ConfigLoader.parse("workers: 1\n", "t.yaml");
        assertEquals(List.of("live"), List.copyOf(config.apps().keySet()));
        assertEquals(AppSettings.defaults(), config.apps().get("live"));
    }

    @Test
    void appsReplaceTheDefaultAndKeepTheirOrder() throws ConfigException {
        SluiceConfig config = ConfigLoader.parse("""
                apps:
                  studio:
                    publish: [allow 127.0.0.1, deny all]
                    secrets: [0123456789abcdef-secret]
                    signed: play
                  live:
                """, "t.yaml");
        assertEquals(List.of("studio", "live"), List.copyOf(config.apps().keySet()));
        AppSettings studio = config.apps().get("studio");
        assertEquals(List.of(AccessRule.parse("allow 127.0.0.1"), AccessRule.parse("deny all")), studio.publish());
        assertTrue(studio.signed().play());
        assertFalse(studio.signed().publish());
        assertEquals(AppSettings.defaults(), config.apps().get("live"));
        assertEquals(config, ConfigLoader.fromJson(ConfigLoader.toJson(config)), "travels to the workers whole");
    }

    @Test
    void aHookUrlThatDoesNotParseIsAnErrorWithItsPosition() {
        ConfigException e = rejected("hooks:\n  timeout: 2s\n  on_publish: http://exa mple.com/x\n");
        assertEquals(3, e.line());
        assertEquals(15, e.column());
        assertEquals("hooks.on_publish", e.key());
        assertTrue(e.getMessage().startsWith("t.yaml:3:15: hooks.on_publish: expected an http:// or https:// URL"),
                e.getMessage());
        assertEquals("apps.live.on_play", rejected("apps:\n  live:\n    on_play: ftp://x/y\n").key());
        assertEquals(3, rejected("apps:\n  live:\n    on_play: ftp://x/y\n").line());
    }

    @Test
    void badRulesNamesAndSecretsAreRefusedWithTheirPosition() {
        ConfigException rule = rejected("apps:\n  live:\n    play: [allow 10.0.0.0/8, allow example.com]\n");
        assertEquals("apps.live.play[1]", rule.key());
        assertTrue(rule.detail().contains("host names are not allowed"), rule.detail());
        assertEquals("apps.a b", rejected("apps:\n  a b: {}\n").key());
        ConfigException secret = rejected("apps:\n  live:\n    secrets: [short-secret]\n");
        assertEquals("apps.live.secrets[0]", secret.key());
        assertFalse(secret.getMessage().contains("short-secret"), "a secret never shows in a message");
        assertTrue(rejected("apps: {}\n").detail().startsWith("no application is served"));
        assertTrue(rejected("apps:\n  live:\n    signed: all\n").detail().contains("secrets is empty"));
    }

    @Test
    void aDiffShowsARotationButNeverTheSecret() throws ConfigException {
        SluiceConfig before = ConfigLoader.parse("apps:\n  live:\n    secrets: [first-secret-0123456]\n", "t.yaml");
        SluiceConfig after = ConfigLoader.parse(
                "apps:\n  live:\n    secrets: [second-secret-012345, first-secret-0123456]\n", "t.yaml");
        List<ConfigDiff.Change> changes = ConfigDiff.between(before, after);
        assertEquals(1, changes.size());
        ConfigDiff.Change change = changes.get(0);
        assertEquals("apps", change.key());
        assertEquals(ConfigDiff.Apply.IN_PLACE, change.apply());
        assertFalse((change.oldValue() + change.newValue()).contains("secret-0"), change.newValue());
        assertTrue(change.newValue().contains("secret:sha256:"), change.newValue());
    }
}
