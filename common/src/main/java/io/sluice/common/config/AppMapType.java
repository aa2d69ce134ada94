package io.sluice.common.config;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code apps}: a mapping of application names to their settings. Unlike a section its keys are
 * the operator's (the app names), each value is an {@link AppSettings} section; order is kept.
 */
final class AppMapType implements ValueType<Map<String, AppSettings>> {

    /** What a client can put in the app part of a URL and a path segment can carry plainly. */
    static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,255}");

    private final SectionType<AppSettings> app;

    AppMapType(SectionType<AppSettings> app) {
        this.app = app;
    }

    @Override
    public String expected() {
        return "a mapping of application names to their settings, e.g. {live: {}}";
    }

    @Override
    public Map<String, AppSettings> read(ConfigNode node, String key, String source) throws ConfigException {
        if (!(node instanceof ConfigNode.Mapping mapping)) {
            throw ConfigException.at(source, node.mark(), key, "expected " + expected() + ", got " + node.describe());
        }
        if (mapping.entries().isEmpty()) {
            throw ConfigException.at(source, node.mark(), key,
                    "no application is served; list at least one (the default is {live: {}})");
        }
        Map<String, AppSettings> apps = new LinkedHashMap<>();
        for (ConfigNode.Entry entry : mapping.entries()) {
            String path = SectionType.child(key, entry.key());
            if (!APP_NAME.matcher(entry.key()).matches()) {
                throw ConfigException.at(source, entry.keyMark(), path,
                        "an application name is letters, digits, '_', '.' and '-' (at most 256), starting with a letter or digit");
            }
            apps.put(entry.key(), app.read(entry.value(), path, source));
        }
        return Collections.unmodifiableMap(apps);
    }

    @Override
    public void write(Map<String, AppSettings> value, JsonGenerator out) throws IOException {
        out.writeStartObject();
        for (Map.Entry<String, AppSettings> e : value.entrySet()) {
            out.writeFieldName(e.getKey());
            app.write(e.getValue(), out);
        }
        out.writeEndObject();
    }

    /** One line of JSON with every secret replaced by its fingerprint: diffs are logged and shown. */
    @Override
    public String format(Map<String, AppSettings> value) {
        Map<String, AppSettings> shown = new LinkedHashMap<>();
        value.forEach((name, settings) -> shown.put(name, settings.redacted()));
        StringWriter text = new StringWriter();
        try (JsonGenerator out = ConfigJson.JSON.createGenerator(text)) {
            write(shown, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
