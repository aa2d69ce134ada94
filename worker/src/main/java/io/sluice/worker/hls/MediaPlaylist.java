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
 * A live media playlist (RFC 8216, 4.3.3) and the segments in its window; for fragmented MP4 with
 * the init segment of each segment ({@code EXT-X-MAP}), and with Low-Latency HLS (RFC 8216bis,
 * 4.4.4.9 and 4.4.5) the parts of the recent segments and of the segment being made, a preload
 * hint for the next part, {@code EXT-X-PART-INF} and {@code EXT-X-SERVER-CONTROL}. Pure: the file thread
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
    record Segment(long sequence, String uri, long durationMillis, long programDateTime, boolean discontinuity,
                   String map, List<Part> parts) {

        Segment {
            parts = List.copyOf(parts);
        }

        /** A segment without init segment or parts (MPEG-TS). */
        Segment(long sequence, String uri, long durationMillis, long programDateTime, boolean discontinuity) {
            this(sequence, uri, durationMillis, programDateTime, discontinuity, null, List.of());
        }
    }

    /**
     * A Low-Latency HLS part.
     *
     * @param uri            file name, relative to the playlist
     * @param durationMillis its duration
     * @param independent    it starts with a key frame ({@code INDEPENDENT=YES})
     */
    record Part(String uri, long durationMillis, boolean independent) {
    }

    /** The segment being made: its parts so far, listed behind the complete segments. */
    private final List<Part> pending = new ArrayList<>();
    private boolean pendingDiscontinuity;
    private String pendingMap;
    private long pendingProgramDateTime;
    private String preloadHint;
    /** Part target in milliseconds; 0 when this is not a Low-Latency playlist. */
    private long partTargetMillis;
    /** Whether a Low-Latency playlist offers delta updates ({@code hls.delta_updates}). */
    private boolean deltaUpdates;
    private boolean fmp4;

    private final Deque<Segment> segments = new ArrayDeque<>();
    private long discontinuitySequence;
    private int targetDuration;
    /** The sequence the next segment gets when the window is empty. */
    private long nextSequence;

    /** @param minTargetDuration seconds the target duration is at least ({@code hls.segment}, rounded up) */
    MediaPlaylist(int minTargetDuration) {
        this.targetDuration = Math.max(1, minTargetDuration);
    }

    /**
     * Makes this a fragmented-MP4 playlist ({@code EXT-X-VERSION} 7), Low-Latency (9) with a part
     * target, offering delta updates when {@code deltaUpdates}.
     */
    void fmp4(long partTargetMillis, boolean deltaUpdates) {
        this.fmp4 = true;
        this.partTargetMillis = partTargetMillis;
        this.deltaUpdates = deltaUpdates;
    }

    /**
     * Lists a part of the segment being made (Low-Latency HLS).
     *
     * @param next the URI of the part after it, for {@code EXT-X-PRELOAD-HINT}
     */
    void addPart(Part part, boolean discontinuity, String map, long programDateTime, String next) {
        if (pending.isEmpty()) {
            pendingDiscontinuity = discontinuity;
            pendingMap = map;
            pendingProgramDateTime = programDateTime;
        }
        pending.add(part);
        preloadHint = next;
    }

    /** The parts of the segment being made (they become its parts when it completes). */
    List<Part> pendingParts() {
        return List.copyOf(pending);
    }

    /** The URI of the next part to come, for {@code EXT-X-PRELOAD-HINT}; null for none. */
    void preloadHint(String next) {
        preloadHint = next;
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
        pending.clear();
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
        StringBuilder s = new StringBuilder(256 + segments.size() * 96 + pending.size() * 64);
        boolean lowLatency = partTargetMillis > 0;
        s.append("#EXTM3U\n#EXT-X-VERSION:").append(lowLatency ? 9 : fmp4 ? 7 : 3).append('\n');
        s.append("#EXT-X-TARGETDURATION:").append(targetDuration).append('\n');
        if (lowLatency) {
            // 4.4.3.8: PART-HOLD-BACK at least twice the part target, three times recommended.
            // 4.4.3.8: CAN-SKIP-UNTIL offers delta updates (_HLS_skip, made by DeltaUpdate).
            s.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES");
            if (deltaUpdates) {
                s.append(",CAN-SKIP-UNTIL=").append(DeltaUpdate.canSkipUntil(targetDuration));
            }
            s.append(",PART-HOLD-BACK=")
                    .append(seconds(3 * partTargetMillis)).append('\n');
            s.append("#EXT-X-PART-INF:PART-TARGET=").append(seconds(partTargetMillis)).append('\n');
        }
        s.append("#EXT-X-MEDIA-SEQUENCE:").append(segments.isEmpty() ? nextSequence : segments.getFirst().sequence())
                .append('\n');
        s.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
        // 4.4.4.9: parts more than three target durations from the end of the playlist go.
        long partsFrom = Long.MAX_VALUE;
        if (lowLatency) {
            long fromEnd = 0;
            for (var it = segments.descendingIterator(); it.hasNext(); ) {
                Segment seg = it.next();
                fromEnd += seg.durationMillis();
                if (fromEnd > 3000L * targetDuration) {
                    break;
                }
                partsFrom = seg.sequence();
            }
        }
        String map = null;
        for (Segment seg : segments) {
            map = head(s, seg.discontinuity(), seg.map(), map, seg.programDateTime());
            if (seg.sequence() >= partsFrom) {
                parts(s, seg.parts());
            }
            s.append(String.format(Locale.ROOT, "#EXTINF:%d.%03d,", seg.durationMillis() / 1000,
                    seg.durationMillis() % 1000)).append('\n');
            s.append(seg.uri()).append('\n');
        }
        if (lowLatency) {
            if (!pending.isEmpty()) {
                head(s, pendingDiscontinuity, pendingMap, map, pendingProgramDateTime);
                parts(s, pending);
            }
            if (preloadHint != null && (!segments.isEmpty() || !pending.isEmpty())) {
                s.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(preloadHint).append("\"\n");
            }
        }
        return s.toString();
    }

    /** The tags before a segment's parts and URI; returns the init segment in force after it. */
    private static String head(StringBuilder s, boolean discontinuity, String map, String previousMap, long pdt) {
        if (discontinuity) {
            s.append("#EXT-X-DISCONTINUITY\n");
        }
        if (map != null && (discontinuity || !map.equals(previousMap))) {
            s.append("#EXT-X-MAP:URI=\"").append(map).append("\"\n");
        }
        s.append("#EXT-X-PROGRAM-DATE-TIME:").append(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(pdt)))
                .append('\n');
        return map;
    }

    private static void parts(StringBuilder s, List<Part> parts) {
        for (Part part : parts) {
            s.append("#EXT-X-PART:DURATION=").append(seconds(part.durationMillis())).append(",URI=\"")
                    .append(part.uri()).append('"');
            if (part.independent()) {
                s.append(",INDEPENDENT=YES");
            }
            s.append('\n');
        }
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
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
        String map = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            try {
                if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                    p.targetDuration = Math.max(p.targetDuration, Integer.parseInt(value(line)));
                } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    sequence = Long.parseLong(value(line));
                } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
                    p.discontinuitySequence = Long.parseLong(value(line));
                } else if (line.startsWith("#EXT-X-MAP:URI=\"") && line.endsWith("\"")) {
                    map = line.substring("#EXT-X-MAP:URI=\"".length(), line.length() - 1);
                } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                    discontinuity = true;
                } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                    pdt = Instant.parse(value(line)).toEpochMilli();
                } else if (line.startsWith("#EXTINF:")) {
                    String v = value(line);
                    int comma = v.indexOf(',');
                    duration = Math.round(Double.parseDouble(comma < 0 ? v : v.substring(0, comma)) * 1000);
                } else if (!line.isEmpty() && !line.startsWith("#") && duration >= 0) {
                    p.segments.addLast(new Segment(sequence++, line, duration, pdt, discontinuity, map, List.of()));
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
