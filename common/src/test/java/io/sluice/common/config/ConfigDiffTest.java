package io.sluice.common.config;

import io.sluice.common.config.ConfigDiff.Apply;
import io.sluice.common.config.ConfigDiff.Change;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigDiffTest {

    private static SluiceConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "t.yaml");
    }

    @Test
    void equalConfigurationsHaveNoChanges() throws ConfigException {
        SluiceConfig shipped = ConfigLoader.load(ConfigLoaderTest.SHIPPED);
        assertEquals(List.of(), ConfigDiff.between(SluiceConfig.defaults(), shipped));
        assertEquals(Optional.empty(), ConfigDiff.strongest(List.of()));
    }

    @Test
    void inPlaceChangesAreReportedInTheirTextForm() throws ConfigException {
        List<Change> changes = ConfigDiff.between(SluiceConfig.defaults(),
                parse("log:\n  level: debug\nrtmp:\n  max_message_size: 32MiB\n  handshake_timeout: 7s\n"));
        assertEquals(List.of(
                new Change("rtmp.max_message_size", "16MiB", "32MiB", Apply.IN_PLACE),
                new Change("rtmp.handshake_timeout", "5s", "7s", Apply.IN_PLACE),
                new Change("log.level", "info", "debug", Apply.IN_PLACE)), changes);
        assertEquals(Optional.of(Apply.IN_PLACE), ConfigDiff.strongest(changes));
    }

    @Test
    void portChangeNeedsANewGeneration() throws ConfigException {
        List<Change> changes = ConfigDiff.between(SluiceConfig.defaults(),
                parse("rtmp:\n  port: 1936\n  chunk_size: 4096\n"));
        assertEquals(List.of(
                new Change("rtmp.port", "1935", "1936", Apply.NEW_GENERATION),
                new Change("rtmp.chunk_size", "60000", "4096", Apply.IN_PLACE)), changes);
        assertEquals(Optional.of(Apply.NEW_GENERATION), ConfigDiff.strongest(changes));
    }

    @Test
    void pathChangeNeedsARestart() throws ConfigException {
        List<Change> changes = ConfigDiff.between(SluiceConfig.defaults(),
                parse("paths:\n  run_dir: /tmp/x\nworkers: 2\n"));
        assertEquals(List.of(
                new Change("workers", "auto", "2", Apply.NEW_GENERATION),
                new Change("paths.run_dir", "run", "/tmp/x", Apply.RESTART)), changes);
        assertEquals(Optional.of(Apply.RESTART), ConfigDiff.strongest(changes));
    }

    /** The classification of every key, written out here as the specification it is. */
    @Test
    void everyKeyIsClassified() throws ConfigException {
        SluiceConfig changed = ConfigLoader.load(ConfigLoaderTest.FIXTURES.resolve("all-changed.yaml"));
        Map<String, Apply> applies = ConfigDiff.between(SluiceConfig.defaults(), changed).stream()
                .collect(Collectors.toMap(Change::key, Change::apply));
        Set<String> newGeneration = Set.of("workers", "rtmp.bind", "rtmp.port", "http.enabled", "http.bind", "http.port",
                "worker.threads", "worker.jvm_options", "worker.transport", "hls.path");
        Set<String> restart = Set.of("paths.run_dir", "paths.log_dir", "api.listen", "cluster.redis", "cluster.node",
                "cluster.advertise", "cluster.secret", "cluster.lease_ttl");

        List<String> leaves = new ArrayList<>();
        leafKeys(SluiceConfig.class, "", leaves);
        assertEquals(77, leaves.size());
        assertEquals(Set.copyOf(leaves), applies.keySet(), "the fixture changes every key, so every key shows up");
        for (String key : leaves) {
            Apply expected = newGeneration.contains(key) ? Apply.NEW_GENERATION
                    : restart.contains(key) ? Apply.RESTART : Apply.IN_PLACE;
            assertEquals(expected, applies.get(key), key);
        }
    }

    @Test
    void changesComeInFileOrder() throws ConfigException {
        SluiceConfig changed = ConfigLoader.load(ConfigLoaderTest.FIXTURES.resolve("all-changed.yaml"));
        List<String> keys = ConfigDiff.between(SluiceConfig.defaults(), changed).stream().map(Change::key).toList();
        List<String> leaves = new ArrayList<>();
        leafKeys(SluiceConfig.class, "", leaves);
        assertEquals(leaves, keys);
        assertTrue(keys.indexOf("rtmp.port") < keys.indexOf("worker.threads"));
    }

    /** The leaf keys of the record tree, in snake_case and component order. */
    static void leafKeys(Class<?> record, String prefix, List<String> out) {
        keys(record, prefix, out, key -> key.isLeaf);
    }

    record TreeKey(String path, boolean isLeaf) {
    }

    static void keys(Class<?> record, String prefix, List<String> out, Function<TreeKey, Boolean> filter) {
        for (RecordComponent c : record.getRecordComponents()) {
            String path = prefix + snakeCase(c.getName());
            boolean section = c.getType().isRecord() && c.getType().getSimpleName().endsWith("Settings");
            if (filter.apply(new TreeKey(path, !section))) {
                out.add(path);
            }
            if (section) {
                keys(c.getType(), path + ".", out, filter);
            }
        }
    }

    static String snakeCase(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }
}
