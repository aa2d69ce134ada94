package io.sluice.common.config;

import io.sluice.common.config.ConfigDiff.Apply;
import io.sluice.common.config.ConfigDiff.Change;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** conf/sluice.yaml documents every key of the record tree, directly above the key. */
class SluiceYamlDocumentationTest {

    private static final Pattern KEY_LINE = Pattern.compile("^( *)([a-z_]+):(.*)$");

    private static List<String> lines;
    /** Dotted key to its 0-based line index in the file. */
    private static final Map<String, Integer> keyLines = new LinkedHashMap<>();

    @BeforeAll
    static void readFile() throws IOException {
        lines = Files.readAllLines(ConfigLoaderTest.SHIPPED);
        String section = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            Matcher m = KEY_LINE.matcher(line);
            if (!m.matches()) {
                fail("line " + (i + 1) + " is neither a key nor a comment: " + line);
            }
            int indent = m.group(1).length();
            if (indent == 0) {
                section = m.group(2);
                keyLines.put(section, i);
            } else if (indent == 2 && section != null) {
                keyLines.put(section + "." + m.group(2), i);
            } else {
                fail("line " + (i + 1) + " has an unexpected indent: " + line);
            }
        }
    }

    /** The comment lines directly above line {@code index}, top to bottom, without the '#'. */
    private static String commentAbove(int index) {
        List<String> block = new ArrayList<>();
        for (int i = index - 1; i >= 0 && lines.get(i).stripLeading().startsWith("#"); i--) {
            block.add(0, lines.get(i).stripLeading().substring(1).trim());
        }
        return String.join(" ", block);
    }

    @Test
    void fileHasExactlyTheKeysOfTheRecordTree() {
        List<String> all = new ArrayList<>();
        ConfigDiffTest.keys(SluiceConfig.class, "", all, key -> true);
        assertEquals(all, List.copyOf(keyLines.keySet()));
    }

    @Test
    void everyKeyHasACommentDirectlyAbove() {
        List<String> all = new ArrayList<>();
        ConfigDiffTest.keys(SluiceConfig.class, "", all, key -> true);
        for (String key : all) {
            Integer line = keyLines.get(key);
            assertNotNull(line, key + " is not in conf/sluice.yaml");
            assertTrue(line > 0 && lines.get(line - 1).stripLeading().startsWith("#"),
                    key + " (line " + (line + 1) + ") has no comment line directly above it");
        }
    }

    @Test
    void everySettingStatesItsDefaultAndHowReloadAppliesIt() throws ConfigException {
        SluiceConfig changed = ConfigLoader.load(ConfigLoaderTest.FIXTURES.resolve("all-changed.yaml"));
        Map<String, Apply> applies = ConfigDiff.between(SluiceConfig.defaults(), changed).stream()
                .collect(Collectors.toMap(Change::key, Change::apply));
        List<String> leaves = new ArrayList<>();
        ConfigDiffTest.leafKeys(SluiceConfig.class, "", leaves);
        for (String key : leaves) {
            int line = keyLines.get(key);
            String comment = commentAbove(line);
            String value = KEY_LINE.matcher(lines.get(line)).replaceFirst("$3").trim();
            String expectedDefault = value.startsWith("[") ? "Default: the list below." : "Default: " + value + ".";
            assertTrue(comment.contains(expectedDefault), key + ": comment does not say '" + expectedDefault + "'");
            String reload = switch (applies.get(key)) {
                case IN_PLACE -> "Reload: applied in place";
                case NEW_GENERATION -> "Reload: new worker generation";
                case RESTART -> "Reload: restart";
            };
            assertTrue(comment.contains(reload), key + ": comment does not say '" + reload + "'");
            assertTrue(comment.length() > expectedDefault.length() + reload.length() + 20,
                    key + ": comment does not say what the key does");
        }
    }
}
