package io.sluice.worker.hls;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DeltaUpdate} on playlists {@link MediaPlaylist} renders: what is skipped, what stays. */
class DeltaUpdateTest {

    private static final long T0 = 1_700_000_000_000L;

    /** A Low-Latency playlist (target 1 s, parts of 500 ms) of {@code count} 1 s segments, 0.5 s of the next. */
    private static MediaPlaylist lowLatency(int count, int window) {
        MediaPlaylist p = new MediaPlaylist(1);
        p.fmp4(500, true);
        for (long seq = 0; seq < count; seq++) {
            String map = seq < 4 ? "ab-init0.mp4" : "ab-init1.mp4";
            List<MediaPlaylist.Part> parts = List.of(new MediaPlaylist.Part("ab-" + seq + "-p0.m4s", 500, true),
                    new MediaPlaylist.Part("ab-" + seq + "-p1.m4s", 500, false));
            p.add(new MediaPlaylist.Segment(seq, "ab-" + seq + ".m4s", 1000, T0 + seq * 1000, seq == 4, map, parts), window);
        }
        p.addPart(new MediaPlaylist.Part("ab-" + count + "-p0.m4s", 500, true), false, "ab-init1.mp4", T0 + count * 1000,
                "ab-" + count + "-p1.m4s");
        return p;
    }

    @Test
    void theLowLatencyPlaylistOffersSixTargetDurations() {
        String full = lowLatency(3, 10).render();
        assertTrue(full.contains("\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.000,PART-HOLD-BACK=1.500\n"),
                full);
        assertSame(full, DeltaUpdate.of(full), "3.5 s of playlist: nothing is 6 s from its end");
        MediaPlaylist plain = new MediaPlaylist(2);
        plain.add(new MediaPlaylist.Segment(0, "ab-0.ts", 2000, T0, false), 6);
        assertFalse(plain.render().contains("CAN-SKIP-UNTIL"), "delta updates are offered with LL-HLS (version 9) only");
        MediaPlaylist off = new MediaPlaylist(1);
        off.fmp4(500, false);
        off.add(new MediaPlaylist.Segment(0, "ab-0.m4s", 1000, T0, false), 10);
        String noDelta = off.render();
        assertTrue(noDelta.contains("\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500\n"), noDelta);
        assertSame(noDelta, DeltaUpdate.of(noDelta), "hls.delta_updates off: _HLS_skip gets the whole playlist");
    }

    @Test
    void segmentsEndingSixTargetDurationsBeforeTheEndAreSkipped() {
        // Segments 0-9 (1 s each) and 0.5 s of segment 10: the playlist ends at 10.5 s, the Skip
        // Boundary is at 4.5 s, segments 0-3 end before it (3 ends at 4 s), 4 ends at 5 s.
        String full = lowLatency(10, 10).render();
        String delta = DeltaUpdate.of(full);
        String head = full.substring(0, full.indexOf("#EXT-X-MAP"));
        assertTrue(delta.startsWith(head + "#EXT-X-SKIP:SKIPPED-SEGMENTS=4\n"), delta);
        assertFalse(delta.contains("ab-3.m4s"), delta);
        assertTrue(delta.contains("\nab-4.m4s\n"), delta);
        // Everything from segment 4 on is exactly as in the full playlist.
        String fromFour = full.substring(full.indexOf("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"ab-init1.mp4\""));
        assertTrue(delta.endsWith(fromFour), delta);
        assertTrue(delta.endsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"ab-10-p1.m4s\"\n"), delta);
        assertTrue(delta.contains("#EXT-X-MEDIA-SEQUENCE:0\n"), "the sequence still counts the skipped segments");
    }

    @Test
    void theInitSegmentInForceIsRepeatedAfterTheSkip() {
        // 12 segments: skipped 0-5 (ends at 6 s, boundary at 6.5 s), the first left is 6, whose
        // EXT-X-MAP (ab-init1, since segment 4) was in a skipped segment.
        String delta = DeltaUpdate.of(lowLatency(12, 12).render());
        assertTrue(delta.contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=6\n#EXT-X-MAP:URI=\"ab-init1.mp4\"\n#EXT-X-PROGRAM-DATE-TIME:"),
                delta);
        assertEquals(1, delta.split("#EXT-X-MAP:", -1).length - 1, delta);
    }

    @Test
    void onlyYesAndV2AskForIt() {
        assertTrue(DeltaUpdate.asked("YES"));
        assertTrue(DeltaUpdate.asked("v2"));
        assertFalse(DeltaUpdate.asked("NO"));
        assertFalse(DeltaUpdate.asked(null));
        assertFalse(DeltaUpdate.asked("yes"));
    }
}
