package io.sluice.common.protocol;

/**
 * {@code worker.dump} request data.
 *
 * @param clients whether to list every client session; {@code false} answers with the streams only
 *                (their per-stream totals are computed either way), which is what the API's stream
 *                views need: a worker with a thousand players then answers with a few hundred bytes,
 *                not a line per player. A request without data lists them (what {@code bin/ctl} sends).
 */
public record DumpRequest(boolean clients) {

    public static final DumpRequest STREAMS_ONLY = new DumpRequest(false);
    public static final DumpRequest EVERYTHING = new DumpRequest(true);
}
