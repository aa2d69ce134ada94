package io.sluice.worker.hls;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * A live media playlist (RFC 8216, 4.3.3) and the segments in its window. Pure: the file thread
 * renders it to disk and reads back the one a previous owner of the stream left, so that a
 * republish (on this worker or another) continues its media sequence behind a discontinuity.
 *
 * <p>{@code EXT-X-TARGETDURATION} only grows (4.3.3.1 says it must not change; a GOP longer than
 * any before leaves no choice but to raise it, and players take that); {@code
 * EXT-X-DISCONTINUITY-SEQUENCE} counts the discontinuities that left the window (4.3.3.3).
 */
final class MediaPlaylist {

    /**
     * One segment.
     *
     * @param sequence        media sequence number
     * @param uri             file name, relative to the playlist
     * @param durationMillis  its duration
     * @param programDateTime wall clock time of its first frame, epoch milliseconds
     * @param discontinuity   whether {@code EXT-X-DISCONTINUITY} precedes it
     */
    record Segment(long sequence, String uri, long durationMillis, long programDateTime, boolean discontinuity) {
    }

    private final Deque<Segment> segments = new ArrayDeque<>();
    private long discontinuitySequence;
    private int targetDuration;
    /** The sequence the next segment gets when the window is empty. */
    private long nextSequence;

    /** @param minTargetDuration seconds the target duration is at least ({@code hls.segment}, rounded up) */
    MediaPlaylist(int minTargetDuration) {
        this.targetDuration = Math.max(1, minTargetDuration);
    }

    long nextSequence() {
        return segments.isEmpty() ? nextSequence : segments.getLast().sequence() + 1;
    }

    int targetDuration() {
        return targetDuration;
    }

    long discontinuitySequence() {
        return discontinuitySequence;
    }

    List<Segment> segments() {
        return List.copyOf(segments);
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    /**
     * Appends {@code segment} and drops the oldest beyond {@code window}.
     *
     * @return the segments that left the window (their files go after the grace period)
     */
    List<Segment> add(Segment segment, int window) {
        segments.addLast(segment);
        // 4.3.3.1: every EXTINF rounded to the nearest integer is at most the target duration.
        targetDuration = Math.max(targetDuration, (int) ((segment.durationMillis() + 500) / 1000));
        List<Segment> gone = new ArrayList<>();
        while (segments.size() > window) {
            Segment old = segments.removeFirst();
            if (old.discontinuity()) {
                discontinuitySequence++;
            }
            gone.add(old);
        }
        return gone;
    }

    String render() {
        StringBuilder s = new StringBuilder(128 + segments.size() * 96);
        s.append("#EXTM3U\n#EXT-X-VERSION:3\n");
        s.append("#EXT-X-TARGETDURATION:").append(targetDuration).append('\n');
        s.append("#EXT-X-MEDIA-SEQUENCE:").append(segments.isEmpty() ? nextSequence : segments.getFirst().sequence())
                .append('\n');
        s.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
        for (Segment seg : segments) {
            if (seg.discontinuity()) {
                s.append("#EXT-X-DISCONTINUITY\n");
            }
            s.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(seg.programDateTime())))
                    .append('\n');
            s.append(String.format(Locale.ROOT, "#EXTINF:%d.%03d,", seg.durationMillis() / 1000,
                    seg.durationMillis() % 1000)).append('\n');
            s.append(seg.uri()).append('\n');
        }
        return s.toString();
    }

    /**
     * Reads back a playlist this class rendered (another worker's, or an earlier publish's); what
     * it does not recognise it skips. Never fails: a file that is not a playlist gives an empty one.
     */
    static MediaPlaylist parse(String text, int minTargetDuration) {
        MediaPlaylist p = new MediaPlaylist(minTargetDuration);
        long sequence = 0;
        long pdt = 0;
        long duration = -1;
        boolean discontinuity = false;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            try {
                if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                    p.targetDuration = Math.max(p.targetDuration, Integer.parseInt(value(line)));
                } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    sequence = Long.parseLong(value(line));
                } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
                    p.discontinuitySequence = Long.parseLong(value(line));
                } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                    discontinuity = true;
                } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                    pdt = Instant.parse(value(line)).toEpochMilli();
                } else if (line.startsWith("#EXTINF:")) {
                    String v = value(line);
                    int comma = v.indexOf(',');
                    duration = Math.round(Double.parseDouble(comma < 0 ? v : v.substring(0, comma)) * 1000);
                } else if (!line.isEmpty() && !line.startsWith("#") && duration >= 0) {
                    p.segments.addLast(new Segment(sequence++, line, duration, pdt, discontinuity));
                    duration = -1;
                    discontinuity = false;
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                // a damaged line: skip it
            }
        }
        p.nextSequence = sequence;
        return p;
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1);
    }
}
