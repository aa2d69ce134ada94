package io.sluice.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    /** Surefire runs with basedir = common/, so the shipped file is one level up. */
    static final Path SHIPPED = Path.of("../conf/sluice.yaml");
    static final Path FIXTURES = Path.of("src/test/resources/config");

    @Test
    void shippedFileEqualsBuiltInDefaults() throws ConfigException {
        assertEquals(SluiceConfig.defaults(), ConfigLoader.load(SHIPPED));
    }

    @Test
    void builtInDefaultsAreTheDocumentedValues() {
        SluiceConfig d = SluiceConfig.defaults();
        assertEquals(WorkerCount.AUTO, d.workers());
        assertEquals(1935, d.rtmp().port());
        assertEquals(60_000, d.rtmp().chunkSize());
        assertEquals(16 * 1024 * 1024, d.rtmp().maxMessageSize());
        assertEquals(64 * 1024, d.rtmp().maxMessageSizeBeforePublish());
        assertEquals(64 * 1024 * 1024, d.rtmp().incompleteMessageBudget());
        assertEquals(Duration.ofSeconds(60), d.rtmp().idleTimeout());
        assertEquals(0, d.rtmp().maxConnectionsPerIp());
        assertEquals(Duration.ofSeconds(5), d.rtmp().handshakeTimeout());
        assertEquals(32 * 1024 * 1024, d.gopCache().maxBytes());
        assertTrue(d.players().playWaitsForever());
        assertEquals(Duration.ofMinutes(5), d.worker().drainTimeout());
        assertEquals(List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=256m", "-Xss512k"),
                d.worker().jvmOptions());
        assertEquals(LogLevel.INFO, d.log().level());
        assertEquals(Path.of("run"), d.paths().runDir());
    }

    @Test
    void emptyOrCommentOnlyDocumentIsAllDefaults() throws ConfigException {
        for (String text : List.of("", "\n\n", "# nothing set\n", "---\n", "rtmp:\n", "rtmp:\n  # port: 1\nlog: ~\n")) {
            assertEquals(SluiceConfig.defaults(), ConfigLoader.parse(text, "t.yaml"), () -> "for " + text);
        }
    }

    @Test
    void missingKeysTakeTheirDefaults() throws ConfigException {
        SluiceConfig c = ConfigLoader.load(FIXTURES.resolve("partial.yaml"));
        SluiceConfig d = SluiceConfig.defaults();
        assertEquals(1936, c.rtmp().port());
        assertEquals(d.rtmp().chunkSize(), c.rtmp().chunkSize());
        assertEquals(d.rtmp().bind(), c.rtmp().bind());
        assertEquals(Duration.ofSeconds(30), c.worker().drainTimeout());
        assertEquals(d.worker().heartbeatTimeout(), c.worker().heartbeatTimeout());
        assertEquals(d.gopCache(), c.gopCache());
        assertEquals(d.workers(), c.workers());
    }

    @Test
    void everyValueFormIsRead() throws ConfigException {
        SluiceConfig c = ConfigLoader.load(FIXTURES.resolve("all-changed.yaml"));
        assertEquals(WorkerCount.of(3), c.workers());
        assertEquals(new RtmpSettings("127.0.0.1", 19350, 4096, 32 << 20, 128 << 10, 256 << 20, 100,
                Duration.ofMillis(2500), Duration.ofMinutes(1), Duration.ZERO, 2_500_000, 2_500_000, 1000, 5000, 20),
                c.rtmp());
        assertEquals(new GopCacheSettings(false, 512, 8 << 20), c.gopCache());
        assertEquals(new PlayerSettings(1 << 30, 1 << 20, Duration.ofSeconds(30), Duration.ofHours(1), Duration.ZERO,
                Duration.ofMillis(80), 10, Duration.ofMillis(100)),
                c.players());
        assertEquals(new WorkerSettings(ThreadCount.of(2), List.of("-Xmx1g", "-Dsluice.test=a b"),
                Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ZERO, 3,
                Duration.ofMinutes(2), false, TransportChoice.IO_URING), c.worker());
        assertEquals(LogLevel.DEBUG, c.log().level());
        assertEquals(new PathSettings(Path.of("/var/run/sluice"), Path.of("/var/log/sluice")), c.paths());
    }

    @Test
    void quotedNumbersAndUpperCaseBooleansAreAccepted() throws ConfigException {
        SluiceConfig c = ConfigLoader.parse("rtmp:\n  port: \"1936\"\ngop_cache:\n  enabled: FALSE\n", "t.yaml");
        assertEquals(1936, c.rtmp().port());
        assertFalse(c.gopCache().enabled());
    }

    @Test
    void missingFileIsAnErrorNamingIt() {
        Path missing = Path.of("no/such/dir/sluice.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals("no/such/dir/sluice.yaml: configuration file not found", e.getMessage());
        assertEquals(missing.toString(), e.source());
        assertEquals(0, e.line());
        assertEquals(0, e.column());
        assertEquals("", e.key());
    }

    @Test
    void loadOrDefaultsRunsWithoutAFile(@TempDir Path dir) throws ConfigException, IOException {
        assertEquals(SluiceConfig.defaults(), ConfigLoader.loadOrDefaults(dir.resolve("sluice.yaml")));
        Files.writeString(dir.resolve("sluice.yaml"), "workers: 2\n");
        assertEquals(WorkerCount.of(2), ConfigLoader.loadOrDefaults(dir.resolve("sluice.yaml")).workers());
    }

    @Test
    void oversizedFileIsRefusedBeforeReading(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[ConfigLoader.MAX_FILE_BYTES + 1]);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(big));
        assertEquals(big + ": file is larger than 1MiB; is this the right file?", e.getMessage());
    }

    @Test
    void nonUtf8FileIsRefused(@TempDir Path dir) throws IOException {
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "rtmp:\n  bind: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(latin1));
        assertEquals(latin1 + ": the file is not valid UTF-8", e.getMessage());
    }

    @Test
    void relativePathsResolveAgainstHome() {
        PathSettings p = PathSettings.defaults();
        assertEquals(Path.of("/opt/sluice/run"), p.runDir(Path.of("/opt/sluice")));
        PathSettings absolute = new PathSettings(Path.of("run"), Path.of("/var/log/x"));
        assertEquals(Path.of("/var/log/x"), absolute.logDir(Path.of("/opt")));
    }
}
