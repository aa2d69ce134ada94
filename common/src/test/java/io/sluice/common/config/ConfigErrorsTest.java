package io.sluice.common.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every kind of bad configuration, with the exact position, key and message it is reported with. */
class ConfigErrorsTest {

    private static ConfigException rejected(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
    }

    private static void assertError(ConfigException e, int line, int column, String key, String detail) {
        assertEquals("t.yaml", e.source());
        assertEquals(line, e.line(), "line");
        assertEquals(column, e.column(), "column");
        assertEquals(key, e.key(), "key");
        assertEquals(detail, e.detail());
        String where = "t.yaml:" + line + ":" + column + ": ";
        assertEquals(where + (key.isEmpty() ? "" : key + ": ") + detail, e.getMessage());
    }

    @Test
    void unknownKeyInASectionListsTheKnownKeys() {
        Path file = ConfigLoaderTest.FIXTURES.resolve("unknown-key.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":12:3: rtmp.chunk_sise: unknown key (known keys under rtmp: bind, port, chunk_size,"
                + " max_message_size, max_message_size_before_publish, incomplete_message_budget, max_chunk_streams,"
                + " handshake_timeout, publisher_timeout, idle_timeout, ack_window, peer_bandwidth, max_connections,"
                + " max_connections_total, max_connections_per_ip)", e.getMessage());
        assertEquals(12, e.line());
        assertEquals(3, e.column());
        assertEquals("rtmp.chunk_sise", e.key());
    }

    @Test
    void corsOriginIsStarOrOneOrigin() throws ConfigException {
        assertEquals("*", ConfigLoader.parse("http:\n  cors_origin: \"*\"\n", "t.yaml").http().corsOrigin());
        assertEquals("https://a.example:8443",
                ConfigLoader.parse("http:\n  cors_origin: https://a.example:8443\n", "t.yaml").http().corsOrigin());
        for (String bad : new String[] {"https://a.example/path", "a.example", "\"*, https://b\"", "\"x\\r\\nSet-Cookie: a\""}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.parse("http:\n  cors_origin: " + bad + "\n", "t.yaml"), bad);
            assertEquals("http.cors_origin", e.key(), bad);
        }
    }

    @Test
    void unknownTopLevelKey() {
        assertError(rejected("workers: 2\nrtmpp:\n  port: 1\n"), 2, 1, "rtmpp",
                "unknown key (known top-level keys: workers, rtmp, http, hls, gop_cache, players, apps, hooks, worker, log, paths, api, cluster)");
    }

    @Test
    void wrongType() {
        assertError(rejected("rtmp:\n  port: abc\n"), 2, 9, "rtmp.port", "expected an integer 1..65535, got 'abc'");
        assertError(rejected("rtmp:\n  port: 19.35\n"), 2, 9, "rtmp.port", "expected an integer 1..65535, got '19.35'");
        assertError(rejected("rtmp:\n  port: [1935]\n"), 2, 9, "rtmp.port", "expected an integer 1..65535, got a list");
        assertError(rejected("gop_cache:\n  enabled: yes\n"), 2, 12, "gop_cache.enabled",
                "expected true or false, got 'yes'");
        assertError(rejected("log:\n  level: verbose\n"), 2, 10, "log.level",
                "expected one of trace, debug, info, warn, error, got 'verbose'");
        assertError(rejected("rtmp:\n  bind: 'my host'\n"), 2, 9, "rtmp.bind",
                "expected an IP address or host name, e.g. 0.0.0.0 or ::, got 'my host'");
        assertError(rejected("rtmp: 1935\n"), 1, 7, "rtmp", "expected a mapping of settings, got '1935'");
    }

    @Test
    void keyWithoutValueSaysHowToGetTheDefault() {
        assertError(rejected("rtmp:\n  port:\n"), 2, 8, "rtmp.port",
                "expected an integer 1..65535, got nothing (leave the key out to use the default, 1935)");
    }

    @Test
    void outOfRange() {
        assertError(rejected("rtmp:\n  port: 70000\n"), 2, 9, "rtmp.port",
                "'70000' is out of range, expected an integer 1..65535");
        assertError(rejected("rtmp:\n  port: -1\n"), 2, 9, "rtmp.port",
                "'-1' is out of range, expected an integer 1..65535");
        assertError(rejected("rtmp:\n  chunk_size: 99999999999999999999\n"), 2, 15, "rtmp.chunk_size",
                "'99999999999999999999' is out of range, expected an integer 128..16777215");
        assertError(rejected("rtmp:\n  max_message_size: 512MiB\n"), 2, 21, "rtmp.max_message_size",
                "'512MiB' is out of range, expected a size 1KiB..256MiB");
        assertError(rejected("rtmp:\n  handshake_timeout: 20m\n"), 2, 22, "rtmp.handshake_timeout",
                "'20m' is out of range, expected a duration 100ms..10m");
    }

    @Test
    void badSizeSyntaxSaysTheAcceptedForms() {
        assertError(rejected("gop_cache:\n  max_bytes: 16MB\n"), 2, 14, "gop_cache.max_bytes",
                "expected a whole number of bytes, optionally with unit KiB, MiB or GiB (k, m, g mean the same),"
                        + " e.g. 65536, 64KiB, 16MiB, got '16MB'");
        assertError(rejected("gop_cache:\n  max_bytes: 1.5MiB\n"), 2, 14, "gop_cache.max_bytes",
                "expected a whole number of bytes, optionally with unit KiB, MiB or GiB (k, m, g mean the same),"
                        + " e.g. 65536, 64KiB, 16MiB, got '1.5MiB'");
    }

    @Test
    void badDurationSyntaxSaysTheAcceptedForms() {
        assertError(rejected("worker:\n  stop_timeout: 10\n"), 2, 17, "worker.stop_timeout",
                "expected a duration: a whole number with unit ms, s, m or h, e.g. 500ms, 5s, 2m, 1h, got '10'");
        assertError(rejected("worker:\n  stop_timeout: 1d\n"), 2, 17, "worker.stop_timeout",
                "expected a duration: a whole number with unit ms, s, m or h, e.g. 500ms, 5s, 2m, 1h, got '1d'");
    }

    @Test
    void workerCount() {
        assertError(rejected("workers: 0\n"), 1, 10, "workers",
                "'0' is out of range, expected 'auto' or an integer 1..128");
        assertError(rejected("workers: many\n"), 1, 10, "workers", "expected 'auto' or an integer 1..128, got 'many'");
        assertError(rejected("workers: 129\n"), 1, 10, "workers",
                "'129' is out of range, expected 'auto' or an integer 1..128");
        assertError(rejected("worker:\n  threads: 0\n"), 2, 12, "worker.threads",
                "'0' is out of range, expected 'auto' or an integer 1..256");
    }

    @Test
    void duplicateKeys() {
        assertError(rejected("rtmp:\n  port: 1\n  port: 2\n"), 3, 3, "rtmp.port",
                "duplicate key (first at line 2, column 3)");
        assertError(rejected("log:\n  level: info\nworkers: 1\nlog:\n  level: warn\n"), 4, 1, "log",
                "duplicate key (first at line 1, column 1)");
    }

    @Test
    void topLevelMustBeAMapping() {
        assertError(rejected("- workers\n- rtmp\n"), 1, 1, "", "expected a mapping of settings, got a list");
        assertError(rejected("hello\n"), 1, 1, "", "expected a mapping of settings, got 'hello'");
    }

    @Test
    void yamlSyntaxErrorsKeepTheirPosition() {
        assertError(rejected("rtmp:\n  port: [1935\n"), 3, 1, "rtmp.port",
                "YAML syntax error: expected ',' or ']', but got <stream end>"
                        + " (while parsing a flow sequence at line 2, column 9)");
        // The key is where the parser was: inside rtmp, after port's value.
        assertError(rejected("rtmp:\n  port: 1935\n\tbind: x\n"), 3, 1, "rtmp",
                "YAML syntax error: found character '\\t(TAB)' that cannot start any token."
                        + " (Do not use \\t(TAB) for indentation)");
    }

    @Test
    void onlyOneDocument() {
        assertError(rejected("workers: 1\n---\nworkers: 2\n"), 3, 1, "",
                "only one document is allowed; remove the second '---' and what follows");
    }

    @Test
    void aliasesAreRefused() {
        assertError(rejected("rtmp:\n  ack_window: &w 2500000\n  peer_bandwidth: *w\n"), 3, 19, "rtmp.peer_bandwidth",
                "YAML aliases (*w) are not supported; write the value out");
    }

    @Test
    void jvmOptionsMustBeAListOfOptions() {
        assertError(rejected("worker:\n  jvm_options: -Xmx1g\n"), 2, 16, "worker.jvm_options",
                "expected a list of JVM options (each starting with '-'), e.g. [\"-Xmx256m\"], got '-Xmx1g'");
        assertError(rejected("worker:\n  jvm_options: [\"-Xmx1g\", \"Xms1g\"]\n"), 2, 27, "worker.jvm_options[1]",
                "expected a JVM option starting with '-' (at most 4096 characters), got 'Xms1g'");
    }

    @Test
    void writeBufferLowMustBeUnderHigh() {
        // Only low is set: it is the one blamed.
        assertError(rejected("players:\n  write_buffer_low: 4MiB\n"), 2, 3, "players.write_buffer_low",
                "write_buffer_low (4MiB) must be less than write_buffer_high (4MiB)");
        // Only high is set: blame high, at its own line.
        assertError(rejected("players:\n  slow_timeout: 5s\n  write_buffer_high: 1MiB\n"), 3, 3,
                "players.write_buffer_high",
                "write_buffer_low (2MiB) must be less than write_buffer_high (1MiB)");
        // Both set: low.
        assertError(rejected("players:\n  write_buffer_high: 1MiB\n  write_buffer_low: 1m\n"), 3, 3,
                "players.write_buffer_low", "write_buffer_low (1MiB) must be less than write_buffer_high (1MiB)");
    }

    @Test
    void theLimitBeforePublishMayNotExceedTheLimitAfter() {
        assertError(rejected("rtmp:\n  max_message_size_before_publish: 32MiB\n"), 2, 3,
                "rtmp.max_message_size_before_publish",
                "max_message_size_before_publish (32MiB) must not exceed max_message_size (16MiB)");
        assertError(rejected("rtmp:\n  max_message_size: 16KiB\n"), 2, 3, "rtmp.max_message_size",
                "max_message_size_before_publish (64KiB) must not exceed max_message_size (16KiB)");
    }

    @Test
    void theIncompleteMessageBudgetHoldsTheLargestMessage() {
        assertError(rejected("rtmp:\n  max_message_size: 128MiB\n"), 2, 3, "rtmp.max_message_size",
                "incomplete_message_budget (64MiB) must be at least max_message_size (128MiB)");
        assertError(rejected("rtmp:\n  incomplete_message_budget: 8MiB\n"), 2, 3, "rtmp.incomplete_message_budget",
                "incomplete_message_budget (8MiB) must be at least max_message_size (16MiB)");
    }

    @Test
    void heartbeatTimeoutMustExceedInterval() {
        assertError(rejected("worker:\n  heartbeat_timeout: 1s\n"), 2, 3, "worker.heartbeat_timeout",
                "heartbeat_timeout (1s) must be greater than heartbeat_interval (1s)");
        assertError(rejected("worker:\n  heartbeat_interval: 5s\n"), 2, 3, "worker.heartbeat_interval",
                "heartbeat_timeout (3s) must be greater than heartbeat_interval (5s)");
    }

    @Test
    void recordsRefuseContradictoryValuesToo() {
        assertThrows(IllegalArgumentException.class,
                () -> new PlayerSettings(1024, 1024, PlayerSettings.defaults().slowTimeout(),
                        PlayerSettings.defaults().playWaitTimeout(), PlayerSettings.defaults().idleRelayLinger(),
                        PlayerSettings.defaults().audioBatch(), PlayerSettings.defaults().audioBatchMinPlayers(),
                        PlayerSettings.defaults().mergeWrites()));
        WorkerSettings w = WorkerSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> new WorkerSettings(w.threads(), w.jvmOptions(),
                w.heartbeatInterval(), w.heartbeatInterval(), w.stopTimeout(), w.drainTimeout(),
                w.respawnMaxFailures(), w.respawnWindow(), true, w.transport()));
        assertThrows(IllegalArgumentException.class, () -> WorkerCount.of(0));
        assertThrows(IllegalArgumentException.class, () -> new ThreadCount(true, 4));
    }
}
