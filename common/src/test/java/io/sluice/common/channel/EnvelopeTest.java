package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
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
        assertWire(Response.error(7, ErrorCode.NOT_FOUND, "no stream live/cam1"),
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
        assertThrows(IllegalArgumentException.class, () -> new Response(1, false, null, "", "x"));
        assertThrows(IllegalArgumentException.class, () -> new Response(1, true, null, "Oops", null));
        assertThrows(IllegalArgumentException.class, () -> new Response(1, false, json("{}"), "Oops", ""));
        assertThrows(IllegalArgumentException.class, () -> new Request(-1, "worker.ping", null, null));
        assertThrows(IllegalArgumentException.class, () -> new Notification("", null, null));
    }

    @Test
    void protocolFindsItsMethodsAndEventsByWireNameOnly() {
        assertEquals("stream.locate", TestProtocol.LOCATE.wireName());
        assertEquals("worker.updateSettings", TestProtocol.UPDATE_SETTINGS.wireName());
        for (Method<?, ?> method : TestProtocol.PROTOCOL.methods()) {
            assertSame(method, TestProtocol.PROTOCOL.method(method.wireName()).orElseThrow());
        }
        assertTrue(TestProtocol.PROTOCOL.method("worker.explode").isEmpty());
        assertTrue(TestProtocol.PROTOCOL.method("WORKER_PING").isEmpty());
        assertTrue(TestProtocol.PROTOCOL.method(null).isEmpty());
        assertEquals("stream.relayOpened", TestProtocol.RELAY_OPENED.wireName());
        for (Event<?> event : TestProtocol.PROTOCOL.events()) {
            assertSame(event, TestProtocol.PROTOCOL.event(event.wireName()).orElseThrow());
        }
        assertTrue(TestProtocol.PROTOCOL.event("stream.exploded").isEmpty());
    }

    @Test
    void protocolRefusesBadNamesAndDuplicates() {
        assertThrows(IllegalArgumentException.class, () -> Method.of("WORKER_PING", Void.class, Void.class));
        assertThrows(IllegalArgumentException.class, () -> Event.of("running", Void.class));
        Method<Void, Void> ping = Method.of("worker.ping", Void.class, Void.class);
        Method<Void, Void> again = Method.of("worker.ping", Void.class, Void.class);
        assertThrows(IllegalArgumentException.class, () -> Protocol.of("twice", List.of(ping, again), List.of()));
    }

    @Test
    void errorCodesRoundTripAndAnUnknownOneReadsAsInternal() {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(code, ErrorCode.fromWire(code.wireName()));
        }
        assertEquals(ErrorCode.values().length,
                Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName).distinct().count());
        ChannelRequestException fromNewerBuild = ChannelRequestException.received("Quota", "too many");
        assertEquals(ErrorCode.INTERNAL, fromNewerBuild.code());
        assertEquals("Quota: too many", fromNewerBuild.reason(), "the unknown code is kept in the reason");
        ChannelRequestException known = ChannelRequestException.received("NotFound", "no live/b");
        assertEquals(ErrorCode.NOT_FOUND, known.code());
        assertEquals("no live/b", known.reason());
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
