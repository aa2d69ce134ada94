package io.sluice.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The YAML parser hands the loader a flat stream of events (SnakeYAML's parser keeps its own
 * stack, it does not recurse), and the loader's tree reader stops at
 * {@link ConfigTreeReader#MAX_DEPTH} levels: YAML nested 100 000 deep is a ConfigException
 * that names the place, not a StackOverflowError.
 */
class ConfigNestingTest {

    private static ConfigException refused(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "deep.yaml"));
    }

    @Test
    @Timeout(10)
    void flowSequencesNested100000DeepAreRefused() {
        ConfigException e = refused("rtmp: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n");
        assertEquals("deep.yaml:1:" + (7 + ConfigTreeReader.MAX_DEPTH) + ": rtmp: nested deeper than "
                + ConfigTreeReader.MAX_DEPTH + " levels", e.getMessage());
    }

    @Test
    @Timeout(10)
    void flowMappingsNested100000DeepAreRefused() {
        ConfigException e = refused("{a: ".repeat(100_000) + "1" + "}".repeat(100_000) + "\n");
        assertTrue(e.getMessage().startsWith("deep.yaml:1:"), e.getMessage());
        assertTrue(e.getMessage().endsWith(": nested deeper than " + ConfigTreeReader.MAX_DEPTH + " levels"),
                e.getMessage());
    }

    @Test
    @Timeout(10)
    void blockMappingsNestedDeeplyAreRefused() {
        StringBuilder yaml = new StringBuilder();
        for (int level = 0; level < 300; level++) {
            yaml.append("  ".repeat(level)).append("k:\n");
        }
        ConfigException e = refused(yaml.toString());
        // The root is level 0; the mapping that is one level too many starts on line MAX_DEPTH + 2.
        assertEquals(ConfigTreeReader.MAX_DEPTH + 2, e.line(), e.getMessage());
        assertEquals(2 * (ConfigTreeReader.MAX_DEPTH + 1) + 1, e.column(), e.getMessage());
        assertTrue(e.getMessage().endsWith(": nested deeper than " + ConfigTreeReader.MAX_DEPTH + " levels"),
                e.getMessage());
    }
}
