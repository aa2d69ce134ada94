package io.sluice.master.cli;

import io.sluice.common.ExitCodes;
import io.sluice.common.access.UrlSignature;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignCommandTest {

    private static final long NOW = 1_800_000_000L;
    private static final String SECRET = "new-secret-0123456789";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int sign(String yaml, String... args) throws Exception {
        SluiceConfig config = ConfigLoader.parse(yaml, "t.yaml");
        return SignCommand.run(config, List.of(args), () -> NOW, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsUrlsTheServerAccepts() throws Exception {
        String yaml = "rtmp:\n  port: 1936\nhttp:\n  port: 8081\napps:\n  live:\n    secrets: [" + SECRET
                + ", old-secret-0123456789]\n    signed: all\n";
        assertEquals(ExitCodes.OK, sign(yaml, "live/cam 1", "--ttl", "90s", "--host", "tv.example.com"));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        String query = UrlSignature.query("live", "cam 1", NOW + 90, SECRET);
        assertEquals(List.of("rtmp://tv.example.com:1936/live/cam 1?" + query,
                "http://tv.example.com:8081/live/cam%201.flv?" + query), lines);
        String sig = query.substring(query.indexOf("sig=") + 4);
        assertEquals(UrlSignature.Check.VALID, UrlSignature.verify("live", "cam 1",
                Map.of("expires", "" + (NOW + 90), "sig", sig), List.of(SECRET), false, NOW));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void refusesWhatCannotBeSigned() throws Exception {
        assertEquals(ExitCodes.FAILURE, sign("workers: 1\n", "other/cam"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("app 'other' is not served (apps: live)"));
        assertEquals(ExitCodes.FAILURE, sign("workers: 1\n", "live/cam"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("apps.live.secrets is empty"));
        assertEquals(ExitCodes.USAGE, sign("workers: 1\n", "cam"));
        assertEquals(ExitCodes.USAGE, sign("workers: 1\n", "live/cam", "--ttl", "forever"));
        assertEquals(ExitCodes.USAGE, sign("workers: 1\n", "live/cam", "--ttl"));
    }
}
