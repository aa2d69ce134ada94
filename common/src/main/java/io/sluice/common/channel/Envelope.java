package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One message on the control channel: the JSON object carried by one frame.
 *
 * <p>The shape is told by which discriminating field is present, exactly one of them:
 * {@code method} makes a {@link Request}, {@code accepted} a {@link Response}, {@code event} a
 * {@link Notification}. Reading is lenient about fields it does not know (a newer peer may add
 * some); writing emits only the documented fields and leaves out absent optional ones.
 */
public sealed interface Envelope permits Request, Response, Notification {

    /** The wire form of this envelope; a new node on every call. */
    ObjectNode toJson();

    /**
     * Reads an envelope from its wire form.
     *
     * @throws MalformedEnvelopeException if the node is none of the three shapes; it carries the
     *     request id when the node was a request with a usable id, so that it can be answered
     */
    static Envelope fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new MalformedEnvelopeException("envelope is not a JSON object but "
                    + (node == null || node.isMissingNode() ? "empty" : node.getNodeType().name().toLowerCase()), null);
        }
        boolean request = node.has(Request.METHOD);
        boolean response = node.has(Response.ACCEPTED);
        boolean notification = node.has(Notification.EVENT);
        int shapes = (request ? 1 : 0) + (response ? 1 : 0) + (notification ? 1 : 0);
        if (shapes != 1) {
            throw new MalformedEnvelopeException("envelope must carry exactly one of the fields "
                    + "'method', 'accepted', 'event'; it carries " + shapes, null);
        }
        if (request) {
            return Request.fromJson(node);
        }
        return response ? Response.fromJson(node) : Notification.fromJson(node);
    }
}
