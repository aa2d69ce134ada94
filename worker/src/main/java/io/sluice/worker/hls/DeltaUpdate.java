package io.sluice.worker.hls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Playlist Delta Updates (RFC 8216bis 4.4.3.8, 4.4.5.2 and 6.2.5.1): the answer to a media
 * playlist request with {@code _HLS_skip=YES} (or {@code v2}) is the playlist with the segments
 * before the Skip Boundary replaced by one {@code EXT-X-SKIP:SKIPPED-SEGMENTS=n}, so a player
 * that polls a long window five times a second does not fetch all of it every time.
 *
 * <p>Made from the rendered playlist on whichever worker answers (the file is what all workers
 * share), pure text in, text out. The Skip Boundary is {@link #SKIP_TARGETS} target durations
 * from the end of the playlist (its last segment or part), the least the RFC allows for
 * {@code CAN-SKIP-UNTIL}; only whole segments that end before it are skipped. The init segment
 * in force is repeated before the first segment left (a skipped {@code EXT-X-MAP} still applies
 * to it). Sluice writes no {@code EXT-X-DATERANGE}, so {@code v2} (skip date ranges too) skips
 * the same segments as {@code YES}, and the playlist does not offer {@code CAN-SKIP-DATERANGES}.
 */
public final class DeltaUpdate {

    /** {@code CAN-SKIP-UNTIL} in target durations: six, the least RFC 8216bis 4.4.3.8 allows. */
    public static final int SKIP_TARGETS = 6;

    private DeltaUpdate() {
    }

    /** True for the values of {@code _HLS_skip} that ask for a delta update. */
    public static boolean asked(String skip) {
        return "YES".equals(skip) || "v2".equals(skip);
    }

    /**
     * The delta update of {@code playlist}, or {@code playlist} itself when it offers none
     * (no {@code CAN-SKIP-UNTIL}) or nothing is old enough to skip.
     */
    public static String of(String playlist) {
        if (!playlist.contains("CAN-SKIP-UNTIL=")) {
            return playlist;
        }
        String[] lines = playlist.split("\n", -1);
        int target = 0;
        int firstBody = -1;
        for (int i = 0; i < lines.length && firstBody < 0; i++) {
            String line = lines[i];
            if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                target = Integer.parseInt(line.substring(22).strip());
            } else if (!isHeader(line)) {
                firstBody = i;
            }
        }
        if (target <= 0 || firstBody < 0) {
            return playlist;
        }
        // Each segment's lines (its tags, its parts, its URI) and its duration; then the tail
        // (the parts of the segment being made, the preload hint).
        List<int[]> segments = new ArrayList<>(); // {first line, last line (the URI)}
        List<Long> durations = new ArrayList<>();
        long tailMillis = 0;
        long extinf = 0;
        int start = firstBody;
        for (int i = firstBody; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("#EXTINF:")) {
                extinf = millis(line.substring(8, line.indexOf(',') < 0 ? line.length() : line.indexOf(',')));
            } else if (line.startsWith("#EXT-X-PART:")) {
                int at = line.indexOf("DURATION=");
                if (at >= 0) {
                    int end = line.indexOf(',', at);
                    tailMillis += millis(line.substring(at + 9, end < 0 ? line.length() : end));
                }
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                segments.add(new int[] {start, i});
                durations.add(extinf);
                start = i + 1;
                tailMillis = 0; // parts listed before a URI are that segment's, already in its EXTINF
            }
        }
        long boundaryMillis = SKIP_TARGETS * 1000L * target;
        long after = tailMillis;
        for (long d : durations) {
            after += d;
        }
        int skip = 0;
        for (int s = 0; s < segments.size() - 1; s++) {
            after -= durations.get(s);
            if (after < boundaryMillis) {
                break;
            }
            skip = s + 1;
        }
        if (skip == 0) {
            return playlist;
        }
        String map = null;
        for (int i = firstBody; i < segments.get(skip - 1)[1]; i++) {
            if (lines[i].startsWith("#EXT-X-MAP:")) {
                map = lines[i];
            }
        }
        StringBuilder out = new StringBuilder(playlist.length());
        for (int i = 0; i < firstBody; i++) {
            out.append(lines[i]).append('\n');
        }
        out.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skip).append('\n');
        int keep = segments.get(skip)[0];
        boolean hasMap = false;
        for (int i = keep; i <= segments.get(skip)[1]; i++) {
            hasMap |= lines[i].startsWith("#EXT-X-MAP:");
        }
        if (map != null && !hasMap) {
            out.append(map).append('\n');
        }
        for (int i = keep; i < lines.length; i++) {
            out.append(lines[i]);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** {@code CAN-SKIP-UNTIL} for a target duration, as the playlist writes it. */
    static String canSkipUntil(int targetDuration) {
        return String.format(Locale.ROOT, "%d.000", SKIP_TARGETS * targetDuration);
    }

    /** Tags that describe the whole playlist and stay in a delta update. */
    private static boolean isHeader(String line) {
        return line.equals("#EXTM3U") || line.startsWith("#EXT-X-VERSION:") || line.startsWith("#EXT-X-TARGETDURATION:")
                || line.startsWith("#EXT-X-SERVER-CONTROL:") || line.startsWith("#EXT-X-PART-INF:")
                || line.startsWith("#EXT-X-MEDIA-SEQUENCE:") || line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")
                || line.startsWith("#EXT-X-INDEPENDENT-SEGMENTS") || line.startsWith("#EXT-X-PLAYLIST-TYPE:");
    }

    private static long millis(String seconds) {
        try {
            return Math.round(Double.parseDouble(seconds.strip()) * 1000);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
