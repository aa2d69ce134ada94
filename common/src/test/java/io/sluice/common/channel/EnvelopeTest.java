package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvelopeTest {

    private static JsonNode json(String text) {
        return ChannelJson.parse(text);
    }

    /** Writes {@code envelope}, checks the exact wire text, reads it back and checks equality. */
    private static void assertWire(Envelope envelope, String expected) {
        assertEquals(expected, ChannelJson.write(envelope.toJson()));
        assertEquals(envelope, Envelope.fromJson(json(expected)));
    }

    @Test
    void requestWithAllFields() {
        assertWire(new Request(7, "stream.locate", "live/cam1", json("{\"app\":\"live\"}")),
                "{\"id\":7,\"method\":\"stream.locate\",\"handlerId\":\"live/cam1\",\"data\":{\"app\":\"live\"}}");
    }

    @Test
    void requestLeavesOutAbsentOptionalFields() {
        assertWire(new Request(8, "worker.ping", null, null), "{\"id\":8,\"method\":\"worker.ping\"}");
    }

    @Test
    void acceptedResponse() {
        assertWire(Response.ok(7, json("{\"workerId\":2}")), "{\"id\":7,\"accepted\":true,\"data\":{\"workerId\":2}}");
        assertWire(Response.ok(9, null), "{\"id\":9,\"accepted\":true}");
    }

    @Test
    void refusedResponse() {
        assertWire(Response.error(7, "NotFound", "no stream live/cam1"),
                "{\"id\":7,\"accepted\":false,\"error\":\"NotFound\",\"reason\":\"no stream live/cam1\"}");
    }

    @Test
    void notification() {
        assertWire(new Notification("stream.published", "live/cam1", json("{\"workerId\":1}")),
                "{\"event\":\"stream.published\",\"targetId\":\"live/cam1\",\"data\":{\"workerId\":1}}");
        assertWire(new Notification("worker.running", null, null), "{\"event\":\"worker.running\"}");
    }

    @Test
    void jsonNullIsTheSameAsAbsent() {
        Envelope read = Envelope.fromJson(json("{\"id\":3,\"method\":\"worker.ping\",\"handlerId\":null,\"data\":null}"));
        assertEquals(new Request(3, "worker.ping", null, null), read);
    }

    @Test
    void unknownFieldsAreIgnoredWhenReading() {
        Envelope read = Envelope.fromJson(json("{\"event\":\"stream.unpublished\",\"since\":12}"));
        assertEquals(new Notification("stream.unpublished", null, null), read);
    }

    @Test
    void refusedResponseWithoutReasonReadsAsEmptyReason() {
        Response read = (Response) Envelope.fromJson(json("{\"id\":1,\"accepted\":false,\"error\":\"Busy\"}"));
        assertEquals("", read.reason());
        assertNull(read.data());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[1,2]",
        "\"text\"",
        "{}",
        "{\"id\":1,\"method\":\"worker.ping\",\"event\":\"worker.running\"}",
        "{\"method\":\"worker.ping\"}",
        "{\"id\":-1,\"method\":\"worker.ping\"}",
        "{\"id\":1.5,\"method\":\"worker.ping\"}",
        "{\"id\":\"1\",\"method\":\"worker.ping\"}",
        "{\"id\":18446744073709551616,\"method\":\"worker.ping\"}",
        "{\"id\":1,\"accepted\":\"yes\"}",
        "{\"id\":1,\"accepted\":false}",
        "{\"accepted\":true}",
        "{\"event\":\"\"}",
        "{\"event\":5}",
        "{\"event\":\"worker.running\",\"targetId\":[]}",
    })
    void malformedEnvelopesWithoutUsableRequestId(String text) {
        MalformedEnvelopeException e = assertThrows(MalformedEnvelopeException.class, () -> Envelope.fromJson(json(text)));
        assertEquals(OptionalLong.empty(), e.requestId());
        assertFalse(e.getMessage().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"id\":9,\"method\":7}",
        "{\"id\":9,\"method\":\"\"}",
        "{\"id\":9,\"method\":\"worker.ping\",\"handlerId\":{}}",
    })
    void malformedRequestWithUsableIdKeepsTheId(String text) {
        MalformedEnvelopeException e = assertThrows(MalformedEnvelopeException.class, () -> Envelope.fromJson(json(text)));
        assertEquals(OptionalLong.of(9), e.requestId());
    }

    @Test
    void problemNamesTheField() {
        MalformedEnvelopeException e = assertThrows(MalformedEnvelopeException.class,
                () -> Envelope.fromJson(json("{\"id\":9,\"method\":7}")));
        assertTrue(e.getMessage().contains("'method'"), e.getMessage());
    }

    @Test
    void recordsRefuseInconsistentResponses() {
        assertThrows(IllegalArgumentException.class, () -> Response.error(1, "", "x"));
        assertThrows(IllegalArgumentException.class, () -> new Response(1, true, null, "Oops", null));
        assertThrows(IllegalArgumentException.class, () -> new Response(1, false, json("{}"), "Oops", ""));
        assertThrows(IllegalArgumentException.class, () -> new Request(-1, "worker.ping", null, null));
        assertThrows(IllegalArgumentException.class, () -> new Notification("", null, null));
    }

    @Test
    void methodWireNamesRoundTrip() {
        assertEquals("stream.locate", ChannelMethod.STREAM_LOCATE.wireName());
        assertEquals("worker.updateSettings", ChannelMethod.WORKER_UPDATE_SETTINGS.wireName());
        for (ChannelMethod method : ChannelMethod.values()) {
            assertEquals(method, ChannelMethod.fromWire(method.wireName()).orElseThrow());
        }
        assertTrue(ChannelMethod.fromWire("worker.explode").isEmpty());
        assertTrue(ChannelMethod.fromWire("WORKER_PING").isEmpty());
        assertTrue(ChannelMethod.fromWire(null).isEmpty());
        assertEquals(ChannelMethod.values().length,
                Arrays.stream(ChannelMethod.values()).map(ChannelMethod::wireName).distinct().count());
    }

    @Test
    void eventWireNamesRoundTrip() {
        assertEquals("stream.relayOpened", ChannelEvent.STREAM_RELAY_OPENED.wireName());
        for (ChannelEvent event : ChannelEvent.values()) {
            assertEquals(event, ChannelEvent.fromWire(event.wireName()).orElseThrow());
        }
        assertTrue(ChannelEvent.fromWire("stream.exploded").isEmpty());
    }

    @Test
    void payloadConversionBothWays() {
        record Located(String streamName, int workerId) {
        }
        JsonNode tree = ChannelJson.toTree(new Located("live/cam1", 3));
        assertEquals("{\"streamName\":\"live/cam1\",\"workerId\":3}", ChannelJson.write(tree));
        assertEquals(new Located("live/cam1", 3), ChannelJson.convert(tree, Located.class));
        assertNull(ChannelJson.toTree(null));
        assertThrows(IllegalArgumentException.class, () -> ChannelJson.convert(json("[1]"), Located.class));
    }
}
