package io.sluice.master.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.common.channel.ChannelJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks answers against docs/openapi.json: finds the operation by path template and method,
 * the response by status, and checks the body against its schema. The subset of JSON Schema the
 * document uses is what is checked: $ref, type (with "null"), required, properties,
 * additionalProperties, items, enum, minimum, maximum. Anything else in the document fails
 * the check, so the document cannot quietly say more than is verified.
 */
public final class OpenApiCheck {

    private static final List<String> KNOWN = List.of("$ref", "type", "required", "properties",
            "additionalProperties", "items", "enum", "minimum", "maximum", "description", "default");

    private final JsonNode doc;

    private OpenApiCheck(JsonNode doc) {
        this.doc = doc;
    }

    /** docs/openapi.json of the repository the tests run in. */
    public static OpenApiCheck load() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docs/openapi.json"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("docs/openapi.json not found above " + Path.of("").toAbsolutePath());
        }
        try {
            return new OpenApiCheck(ChannelJson.parse(Files.readString(dir.resolve("docs/openapi.json"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems of {@code body} as the answer to {@code method path} with {@code status}; empty when none. */
    public List<String> problems(String method, String path, int status, JsonNode body) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        JsonNode operation = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (bare.matches(e.getKey().replaceAll("\\{[^}]+}", "[^/]+"))) {
                operation = e.getValue().get(method.toLowerCase());
                if (operation != null) {
                    break;
                }
            }
        }
        if (operation == null) {
            return List.of("no operation " + method + " " + bare + " in docs/openapi.json");
        }
        JsonNode response = resolve(operation.path("responses").path(String.valueOf(status)));
        if (response.isMissingNode()) {
            return List.of(method + " " + bare + " does not document status " + status);
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            return List.of(method + " " + bare + " " + status + " has no JSON schema");
        }
        List<String> out = new ArrayList<>();
        check(schema, body, "$", out);
        return out;
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalStateException("only local references: " + ref);
            }
            node = doc.at(ref.substring(1));
        }
        return node;
    }

    private void check(JsonNode schema, JsonNode value, String where, List<String> out) {
        schema = resolve(schema);
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (!KNOWN.contains(keyword)) {
                out.add(where + ": the schema uses '" + keyword + "', which this check does not verify");
            }
        }
        if (schema.has("type") && !typeMatches(schema.get("type"), value)) {
            out.add(where + ": expected " + schema.get("type") + ", got " + value.getNodeType() + " " + value);
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode option : schema.get("enum")) {
                found |= option.equals(value);
            }
            if (!found) {
                out.add(where + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isNumber()) {
            if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
                out.add(where + ": " + value + " < minimum " + schema.get("minimum"));
            }
            if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
                out.add(where + ": " + value + " > maximum " + schema.get("maximum"));
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    out.add(where + ": missing required '" + required.asText() + "'");
                }
            }
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = where + "." + field.getKey();
                if (properties.has(field.getKey())) {
                    check(properties.get(field.getKey()), field.getValue(), at, out);
                } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                    out.add(at + ": not in the schema");
                } else if (additional != null && additional.isObject()) {
                    check(additional, field.getValue(), at, out);
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), where + "[" + i + "]", out);
            }
        }
    }

    private static boolean typeMatches(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(t, value)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }
}
