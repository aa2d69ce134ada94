package io.sluice.common.channel;

import java.util.HashMap;
import java.util.Map;

/**
 * The closed set of error codes a refused request carries on the wire ({@code "error":"NotFound"}).
 * A code received that this build does not know reads as {@link #INTERNAL}; an exception a
 * handler did not mean to throw is answered with {@link #INTERNAL} too (never its class name).
 */
public enum ErrorCode {
    /** The request's data (or the frame) could not be read as the method's request type. */
    BAD_REQUEST("BadRequest"),
    /** No such method in the peer's protocol, or no handler for it. */
    UNKNOWN_METHOD("UnknownMethod"),
    /** The handler's answer was over the frame limit. */
    RESPONSE_TOO_LARGE("ResponseTooLarge"),
    /** The handler failed unexpectedly; the reason says how. */
    INTERNAL("Internal"),
    /** The connection must send {@code worker.identify} first. */
    NOT_IDENTIFIED("NotIdentified"),
    /** {@code worker.identify} from a process this master did not start. */
    UNKNOWN_WORKER("UnknownWorker"),
    /** The stream, client or worker asked about does not exist. */
    NOT_FOUND("NotFound"),
    /** A limit was reached (e.g. names a worker may wait for). */
    LIMIT("Limit"),
    /** Another operation of the same kind is under way. */
    BUSY("Busy"),
    /** The server is stopping. */
    STOPPING("Stopping"),
    /** The configuration file is invalid; the reason names file, line, column and key. */
    INVALID_CONFIG("InvalidConfig"),
    /** The change needs a restart of the master; the reason names the keys. */
    NEEDS_RESTART("NeedsRestart"),
    /** A reload was accepted but could not be carried out (the new generation did not run). */
    RELOAD_FAILED("ReloadFailed");

    private static final Map<String, ErrorCode> BY_WIRE_NAME = new HashMap<>();

    static {
        for (ErrorCode code : values()) {
            BY_WIRE_NAME.put(code.wireName, code);
        }
    }

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The text in the {@code error} field. */
    public String wireName() {
        return wireName;
    }

    /** The code with this wire name, or {@link #INTERNAL} for one this build does not know. */
    public static ErrorCode fromWire(String wireName) {
        return BY_WIRE_NAME.getOrDefault(wireName, INTERNAL);
    }
}
