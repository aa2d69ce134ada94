package io.sluice.master.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.common.channel.ChannelJson;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One answer of the operator listener, before it becomes a Netty response: status, content
 * type and the whole body (answers are small; none is streamed).
 *
 * @param allow    for a 405, the methods the path does take (the {@code Allow} header); else null
 * @param location for a redirect, where to; else null
 */
public record HttpReply(HttpResponseStatus status, String contentType, byte[] body, String allow, String location) {

    static final String JSON = "application/json; charset=utf-8";

    public HttpReply {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    /** 200 with the JSON form of {@code value}, the same form {@code bin/ctl --json} prints. */
    static HttpReply json(Object value) {
        return json(HttpResponseStatus.OK, ChannelJson.toTree(value));
    }

    static HttpReply json(HttpResponseStatus status, JsonNode tree) {
        return new HttpReply(status, JSON, ChannelJson.write(tree).getBytes(StandardCharsets.UTF_8), null);
    }

    /** {@code {"code": 404, "error": "..."}} with that status. */
    static HttpReply error(HttpResponseStatus status, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("code", status.code());
        body.put("error", message);
        return json(status, body);
    }

    HttpReply(HttpResponseStatus status, String contentType, byte[] body, String allow) {
        this(status, contentType, body, allow, null);
    }

    HttpReply withAllow(String methods) {
        return new HttpReply(status, contentType, body, methods, null);
    }

    /** A 301 to {@code location}, with a JSON body saying where. */
    static HttpReply redirect(String location) {
        HttpReply r = error(HttpResponseStatus.MOVED_PERMANENTLY, "moved to " + location);
        return new HttpReply(r.status, r.contentType, r.body, null, location);
    }
}
