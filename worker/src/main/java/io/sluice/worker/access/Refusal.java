package io.sluice.worker.access;

/** Why a client was refused; each is counted, and each protocol says it its own way. */
public enum Refusal {
    /** The app is not in {@code apps}: RTMP NetConnection.Connect.Rejected, HTTP 404. */
    UNKNOWN_APP,
    /** An {@code allow}/{@code deny} rule: HTTP 403. */
    RULE,
    /** A signed URL was needed and missing, malformed, expired or wrong: HTTP 403. */
    SIGNATURE,
    /** The hook answered no, or could not be asked: HTTP 403. */
    HOOK,
    /** Over one of the app's limits (streams, players per stream, publishers per address): HTTP 503. */
    LIMIT,
    /** The request itself is unusable (a token too long): HTTP 400. */
    BAD_REQUEST
}
