package io.sluice.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one document from a Jackson parser (YAML or JSON) into a {@link ConfigNode} tree.
 *
 * <p>This is the one place where parser failures become {@link ConfigException}s. It also finds
 * duplicate keys itself rather than through Jackson's {@code STRICT_DUPLICATE_DETECTION}: Jackson
 * reports the position after the duplicate key, we want the key's own line and column.
 */
final class ConfigTreeReader {

    /** The schema is three levels deep (section, key, list); anything far deeper is not a config. */
    static final int MAX_DEPTH = 16;

    private final JsonParser parser;
    private final String source;
    /** Keys from the root to where the parser is, for the key path of syntax errors. */
    private final Deque<String> path = new ArrayDeque<>();

    private ConfigTreeReader(JsonParser parser, String source) {
        this.parser = parser;
        this.source = source;
    }

    /**
     * Reads the document the parser is at (or before). An empty document (nothing, or only
     * comments) is a null scalar at 1:1. When {@code wholeInput} is set, anything after the
     * first document is an error.
     */
    static ConfigNode read(JsonParser parser, String source, boolean wholeInput) throws ConfigException {
        return new ConfigTreeReader(parser, source).readDocument(wholeInput);
    }

    private ConfigNode readDocument(boolean wholeInput) throws ConfigException {
        try {
            JsonToken token = parser.currentToken() != null ? parser.currentToken() : parser.nextToken();
            if (token == null) {
                return new ConfigNode.Scalar(null, new ConfigNode.Mark(1, 1));
            }
            ConfigNode root = readValue(token, 0);
            if (wholeInput && parser.nextToken() != null) {
                throw ConfigException.at(source, mark(parser.currentTokenLocation()), "",
                        "only one document is allowed; remove the second '---' and what follows");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw new ConfigException(source, 0, 0, "", "cannot read: " + e.getMessage(), e);
        }
    }

    private ConfigNode readValue(JsonToken token, int depth) throws IOException, ConfigException {
        ConfigNode.Mark mark = mark(parser.currentTokenLocation());
        if (depth > MAX_DEPTH) {
            throw ConfigException.at(source, mark, String.join(".", path),
                    "nested deeper than " + MAX_DEPTH + " levels");
        }
        switch (token) {
            case START_OBJECT:
                return readMapping(mark, depth);
            case START_ARRAY:
                List<ConfigNode> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    items.add(readValue(t, depth + 1));
                }
                return new ConfigNode.Sequence(items, mark);
            case VALUE_NULL:
                return new ConfigNode.Scalar(null, mark);
            case VALUE_STRING:
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
            case VALUE_TRUE:
            case VALUE_FALSE:
                // Jackson's YAML parser hands out an alias (*name) as the string "name"; refuse it
                // rather than silently using the anchor's name as the value.
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    throw ConfigException.at(source, mark, String.join(".", path),
                            "YAML aliases (*" + parser.getText() + ") are not supported; write the value out");
                }
                return new ConfigNode.Scalar(parser.getText(), mark);
            default:
                throw ConfigException.at(source, mark, String.join(".", path),
                        "unsupported value (" + token + ")");
        }
    }

    private ConfigNode readMapping(ConfigNode.Mark mark, int depth) throws IOException, ConfigException {
        List<ConfigNode.Entry> entries = new ArrayList<>();
        Map<String, ConfigNode.Mark> seen = new HashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String key = parser.currentName();
            ConfigNode.Mark keyMark = mark(parser.currentTokenLocation());
            path.addLast(key);
            ConfigNode.Mark first = seen.putIfAbsent(key, keyMark);
            if (first != null) {
                throw ConfigException.at(source, keyMark, String.join(".", path),
                        "duplicate key (first at line " + first.line() + ", column " + first.column() + ")");
            }
            entries.add(new ConfigNode.Entry(key, keyMark, readValue(parser.nextToken(), depth + 1)));
            path.removeLast();
        }
        return new ConfigNode.Mapping(entries, mark);
    }

    private ConfigException syntaxError(JsonProcessingException e) {
        String key = String.join(".", path);
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            // snakeyaml marks are 0-based.
            String detail = "YAML syntax error: " + yaml.getProblem();
            if (yaml.getContext() != null && yaml.getContextMark() != null) {
                detail += " (" + yaml.getContext() + " at line " + (yaml.getContextMark().getLine() + 1)
                        + ", column " + (yaml.getContextMark().getColumn() + 1) + ")";
            }
            return new ConfigException(source, yaml.getProblemMark().getLine() + 1,
                    yaml.getProblemMark().getColumn() + 1, key, detail, e);
        }
        ConfigNode.Mark at = e.getLocation() == null ? ConfigNode.Mark.UNKNOWN : mark(e.getLocation());
        return new ConfigException(source, at.line(), at.column(), key,
                "syntax error: " + e.getOriginalMessage(), e);
    }

    private static ConfigNode.Mark mark(JsonLocation location) {
        return new ConfigNode.Mark(Math.max(0, location.getLineNr()), Math.max(0, location.getColumnNr()));
    }
}
