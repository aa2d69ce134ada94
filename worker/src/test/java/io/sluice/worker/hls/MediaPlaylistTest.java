package io.sluice.worker.hls;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaPlaylistTest {

    private static final long T0 = 1_796_000_000_000L;

    private static MediaPlaylist.Segment seg(long seq, long ms, boolean disc) {
        return new MediaPlaylist.Segment(seq, "ab-" + seq + ".ts", ms, T0 + seq * 2000, disc);
    }

    @Test
    void rendersTheWindowWithSequenceTargetAndDateTime() {
        MediaPlaylist p = new MediaPlaylist(2);
        assertEquals(List.of(), p.add(seg(0, 2000, false), 3));
        p.add(seg(1, 2400, false), 3);
        p.add(seg(2, 3600, false), 3);
        List<MediaPlaylist.Segment> gone = p.add(seg(3, 2000, false), 3);
        assertEquals(List.of(seg(0, 2000, false)), gone);
        assertEquals("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:4
                #EXT-X-MEDIA-SEQUENCE:1
                #EXT-X-DISCONTINUITY-SEQUENCE:0
                #EXT-X-PROGRAM-DATE-TIME:2026-11-30T00:53:22Z
                #EXTINF:2.400,
                ab-1.ts
                #EXT-X-PROGRAM-DATE-TIME:2026-11-30T00:53:24Z
                #EXTINF:3.600,
                ab-2.ts
                #EXT-X-PROGRAM-DATE-TIME:2026-11-30T00:53:26Z
                #EXTINF:2.000,
                ab-3.ts
                """, p.render());
    }

    @Test
    void targetDurationNeverShrinks() {
        MediaPlaylist p = new MediaPlaylist(2);
        p.add(seg(0, 5400, false), 3);
        for (int i = 1; i < 6; i++) {
            p.add(seg(i, 2000, false), 3);
        }
        assertEquals(5, p.targetDuration());
    }

    @Test
    void discontinuitiesLeavingTheWindowAreCounted() {
        MediaPlaylist p = new MediaPlaylist(2);
        p.add(seg(0, 2000, false), 3);
        p.add(seg(1, 2000, true), 3);
        p.add(seg(2, 2000, false), 3);
        p.add(seg(3, 2000, false), 3);
        assertEquals(0, p.discontinuitySequence());
        assertTrue(p.render().contains("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME"));
        p.add(seg(4, 2000, false), 3);
        assertEquals(1, p.discontinuitySequence());
    }

    @Test
    void aRenderedPlaylistReadsBackAndContinues() {
        MediaPlaylist p = new MediaPlaylist(2);
        for (int i = 7; i < 13; i++) {
            p.add(seg(i, 2000 + i, i == 9), 4);
        }
        MediaPlaylist back = MediaPlaylist.parse(p.render(), 2);
        assertEquals(p.render(), back.render());
        assertEquals(13, back.nextSequence());
        assertEquals(p.segments(), back.segments());
    }

    @Test
    void junkReadsAsAnEmptyPlaylist() {
        MediaPlaylist p = MediaPlaylist.parse("not a playlist\n#EXTINF:x,\nfoo.ts\n#EXT-X-MEDIA-SEQUENCE:zz\n", 3);
        assertTrue(p.isEmpty());
        assertEquals(0, p.nextSequence());
        assertEquals(3, p.targetDuration());
    }
}
