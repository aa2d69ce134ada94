package io.sluice.common.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads conf/sluice.yaml into a {@link SluiceConfig}, and moves a configuration to and from the
 * JSON the master pushes to workers.
 *
 * <p>Keys left out take their defaults, so a file may set only what it changes, and an empty
 * file is the built-in configuration. Every problem is a {@link ConfigException} that names the
 * file, line, column and key.
 */
public final class ConfigLoader {

    /** A configuration file is a few kilobytes; refuse to read anything absurdly larger. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    // A bare "key:" is null, not "" (Jackson's default), so it reads as "no value".
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();

    private ConfigLoader() {
    }

    /** Reads and checks {@code file}; a missing file is an error naming it. */
    public static SluiceConfig load(Path file) throws ConfigException {
        String source = file.toString();
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(source, 0, 0, "",
                        "file is larger than " + ByteSizeUtil.format(MAX_FILE_BYTES) + "; is this the right file?");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, 0, 0, "", "configuration file not found", e);
        } catch (IOException e) {
            throw new ConfigException(source, 0, 0, "", "cannot read the configuration file: " + e, e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, 0, 0, "", "the file is not valid UTF-8", e);
        }
        return parse(text, source);
    }

    /**
     * Reads {@code file} when it exists, else returns {@link SluiceConfig#defaults()}: the server
     * runs without any configuration file.
     */
    public static SluiceConfig loadOrDefaults(Path file) throws ConfigException {
        return Files.exists(file) ? load(file) : SluiceConfig.defaults();
    }

    /**
     * The run directory a possibly invalid file names ({@code paths.run_dir}, else the default),
     * read leniently; null when the file is not even YAML. Lets {@code bin/ctl reload} reach the
     * master with a broken file, so that the master is the one to refuse it.
     */
    public static Path runDirHint(Path file, Path home) {
        try {
            JsonNode root = new ObjectMapper(YAML).readTree(file.toFile());
            JsonNode dir = root == null ? null : root.path("paths").path("run_dir");
            Path runDir = dir != null && dir.isTextual() ? Path.of(dir.asText()) : PathSettings.defaults().runDir();
            return home.resolve(runDir);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads and checks YAML text; {@code sourceName} is what messages call it (a file name). */
    public static SluiceConfig parse(String yaml, String sourceName) throws ConfigException {
        if (yaml.length() > MAX_FILE_BYTES) {
            throw new ConfigException(sourceName, 0, 0, "",
                    "configuration is larger than " + ByteSizeUtil.format(MAX_FILE_BYTES));
        }
        try (JsonParser parser = YAML.createParser(yaml)) {
            return ConfigSchema.ROOT.read(ConfigTreeReader.read(parser, sourceName, true), "", sourceName);
        } catch (IOException e) {
            throw new ConfigException(sourceName, 0, 0, "", "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * A problem with a setting that shows only after loading (a port already in use), placed
     * where {@code file} sets {@code dottedKey} (e.g. "rtmp.port"); without a position when the
     * key is not in the file and its default applies.
     */
    public static ConfigException problemWith(Path file, String dottedKey, String detail) {
        String source = file.toString();
        ConfigNode.Mark mark = ConfigNode.Mark.UNKNOWN;
        try (JsonParser parser = YAML.createParser(Files.readString(file))) {
            ConfigNode node = ConfigTreeReader.read(parser, source, false);
            for (String part : dottedKey.split("\\.")) {
                ConfigNode next = null;
                if (node instanceof ConfigNode.Mapping m) {
                    for (ConfigNode.Entry e : m.entries()) {
                        if (e.key().equals(part)) {
                            next = e.value();
                            mark = e.value().mark();
                        }
                    }
                }
                if (next == null) {
                    mark = ConfigNode.Mark.UNKNOWN;
                    break;
                }
                node = next;
            }
        } catch (IOException | ConfigException e) {
            mark = ConfigNode.Mark.UNKNOWN; // no file, or unreadable: report without a position
        }
        String where = mark == ConfigNode.Mark.UNKNOWN ? detail + " (the default; set it in " + source + ")" : detail;
        return new ConfigException(source, mark.line(), mark.column(), dottedKey, where);
    }

    /** The configuration as one line of JSON, with the YAML's keys and value forms. */
    public static String toJson(SluiceConfig config) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = ConfigJson.JSON.createGenerator(text)) {
            ConfigSchema.ROOT.write(config, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /**
     * Reads what {@link #toJson} wrote, with the same checks as a file. Bad JSON here is a bug
     * on the sending side, so it is an {@link IllegalArgumentException} carrying the
     * {@link ConfigException} as its cause.
     */
    public static SluiceConfig fromJson(String json) {
        try (JsonParser parser = ConfigJson.JSON.createParser(json)) {
            ConfigNode tree = ConfigTreeReader.read(parser, ConfigJson.SOURCE, true);
            return ConfigSchema.ROOT.read(tree, "", ConfigJson.SOURCE);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
