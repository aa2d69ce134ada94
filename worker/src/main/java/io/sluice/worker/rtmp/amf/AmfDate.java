package io.sluice.worker.rtmp.amf;

/**
 * An ActionScript {@code Date}: milliseconds since the Unix epoch (UTC) as a double, as on the
 * wire. {@code timezoneMinutes} is the signed 16-bit time-zone field of AMF0 dates (AMF0
 * spec 2.13 says it is reserved and should be 0, but it is kept so a date round-trips); AMF3
 * dates have no time zone and are always read with 0.
 */
public record AmfDate(double epochMillis, int timezoneMinutes) {
}
