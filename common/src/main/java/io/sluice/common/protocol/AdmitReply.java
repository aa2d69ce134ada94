package io.sluice.common.protocol;

/**
 * {@code access.admit} response data.
 *
 * @param granted whether the session may start
 * @param reason  which limit refused it, for the client and the log (empty when granted)
 */
public record AdmitReply(boolean granted, String reason) {

    public AdmitReply {
        reason = reason == null ? "" : reason;
    }
}
