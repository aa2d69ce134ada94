package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A protocol for the channel's own tests: the production wire names, with untyped
 * ({@link JsonNode}) data so that the tests can send and check any shape.
 */
final class TestProtocol {

    private TestProtocol() {
    }

    static final Method<JsonNode, JsonNode> IDENTIFY = raw("worker.identify");
    static final Method<JsonNode, JsonNode> PING = raw("worker.ping");
    static final Method<JsonNode, JsonNode> DUMP = raw("worker.dump");
    static final Method<JsonNode, JsonNode> UPDATE_SETTINGS = raw("worker.updateSettings");
    static final Method<JsonNode, JsonNode> KICK = raw("client.kick");
    static final Method<JsonNode, JsonNode> CLAIM = raw("stream.claim");
    static final Method<JsonNode, JsonNode> RELEASE = raw("stream.release");
    static final Method<JsonNode, JsonNode> LOCATE = raw("stream.locate");
    static final Method<JsonNode, JsonNode> WHERE = raw("stream.where");
    /** Takes and returns anything Jackson is given, serializable or not. */
    static final Method<Object, Object> ANY = Method.of("worker.close", Object.class, Object.class);

    static final Event<JsonNode> RUNNING = Event.of("worker.running", JsonNode.class);
    static final Event<JsonNode> PUBLISHED = Event.of("stream.published", JsonNode.class);
    static final Event<JsonNode> UNPUBLISHED = Event.of("stream.unpublished", JsonNode.class);
    static final Event<JsonNode> RELAY_OPENED = Event.of("stream.relayOpened", JsonNode.class);

    static final Protocol PROTOCOL = Protocol.of("test channel",
            List.of(IDENTIFY, PING, DUMP, UPDATE_SETTINGS, KICK, CLAIM, RELEASE, LOCATE, WHERE, ANY),
            List.of(RUNNING, PUBLISHED, UNPUBLISHED, RELAY_OPENED));

    private static Method<JsonNode, JsonNode> raw(String name) {
        return Method.of(name, JsonNode.class, JsonNode.class);
    }
}
