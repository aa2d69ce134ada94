package io.sluice.common.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.common.testing.AllocationBudget;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link ConfigLoader#parse} on arbitrary text (the input as UTF-8,
 * malformed sequences replaced), as {@code bin/start -t} and a reload read it. The corpus holds
 * the shipped conf/sluice.yaml, the test fixtures and YAML of every shape the loader refuses.
 *
 * <p>Whatever the text: the loader returns a configuration or throws a {@link ConfigException}
 * whose message starts with the source name and whose line lies inside the text, nothing else
 * (no parser exception, no StackOverflowError on deep nesting); a configuration it returns
 * travels to a worker as JSON and back unchanged; and the work stays proportional to the text.
 */
class ConfigLoaderFuzzTest {

    private static final String SOURCE = "fuzz.yaml";
    private static final AllocationBudget BUDGET = AllocationBudget.forFuzzing();

    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        BUDGET.run(input.length, () -> check(text));
    }

    private static void check(String text) {
        SluiceConfig config;
        try {
            config = ConfigLoader.parse(text, SOURCE);
        } catch (ConfigException e) {
            assertTrue(e.getMessage().startsWith(SOURCE + ":"), e.getMessage());
            assertFalse(e.detail() == null || e.detail().isBlank(), e.getMessage());
            long lines = text.lines().count();
            assertTrue(e.line() >= 0 && e.line() <= lines + 1, "line " + e.line() + " of " + lines + ": " + e.getMessage());
            assertTrue(e.column() >= 0, e.getMessage());
            return;
        }
        assertEquals(config, ConfigLoader.fromJson(ConfigLoader.toJson(config)), "JSON round trip");
    }
}
