package io.sluice.common.config;

import io.sluice.common.config.ConfigDiff.Change;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiSettingsTest {

    private static final String TOKEN = "s3cret-token-0123456789";

    private static ApiSettings api(String yaml) throws ConfigException {
        return ConfigLoader.parse("api:\n" + yaml, "t.yaml").api();
    }

    @Test
    void listenSplitsIntoHostAndPort() throws ConfigException {
        ApiSettings d = ApiSettings.defaults();
        assertEquals("127.0.0.1", d.host());
        assertEquals(1985, d.port());
        assertTrue(d.loopback());
        ApiSettings v6 = api("  listen: \"[::1]:2000\"\n");
        assertEquals("::1", v6.host());
        assertEquals(2000, v6.port());
        assertTrue(v6.loopback());
        assertFalse(api("  listen: \"\"\n").enabled());
    }

    @Test
    void aNonLoopbackAddressNeedsAToken() throws ConfigException {
        ConfigException e = assertThrows(ConfigException.class, () -> api("  listen: 0.0.0.0:1985\n"));
        assertTrue(e.getMessage().contains("token is required"), e.getMessage());
        ApiSettings open = api("  listen: 0.0.0.0:1985\n  token: " + TOKEN + "\n");
        assertFalse(open.loopback());
        assertEquals(TOKEN, open.token());
        // A name that merely starts like a loopback address is not one.
        assertThrows(ConfigException.class, () -> api("  listen: 127.0.0.1.example.com:1985\n"));
    }

    @Test
    void badListenAndTokenValuesAreRefusedWithoutEchoingTheToken() {
        assertThrows(ConfigException.class, () -> api("  listen: 1985\n"));
        assertThrows(ConfigException.class, () -> api("  listen: 127.0.0.1:70000\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> api("  token: \"short tok\"\n"));
        assertFalse(e.getMessage().contains("short tok"), e.getMessage());
    }

    @Test
    void theTokenNeverShowsInADiffNorInToString() throws ConfigException {
        SluiceConfig with = ConfigLoader.parse("api:\n  token: " + TOKEN + "\n", "t.yaml");
        List<Change> changes = ConfigDiff.between(SluiceConfig.defaults(), with);
        assertEquals(List.of(new Change("api.token", "(none)", "(set)", ConfigDiff.Apply.IN_PLACE)), changes);
        assertFalse(with.toString().contains(TOKEN), with.toString());
        // It still travels to where it is needed as it is.
        assertEquals(with, ConfigLoader.fromJson(ConfigLoader.toJson(with)));
    }
}
