package io.sluice.worker.it;

import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream published twice in a row continues one playlist: the media sequence runs on, the
 * second publish's first segment carries EXT-X-DISCONTINUITY, and {@code hls.keep} after the last
 * publisher left, the stream's files are gone.
 */
class HlsRepublishIT {

    private static final Pattern SEGMENT = Pattern.compile("(?m)^([0-9a-f]{6})-(\\d+)\\.m4s$");

    @Test
    @Timeout(120)
    void aRepublishContinuesThePlaylistAndTheFilesGoAfterKeep(@TempDir Path dir) throws Exception {
        Ffmpeg.ffmpeg();
        Path hls = dir.resolve("hls");
        try (Processes processes = new Processes();
             WorkerProcess worker = WorkerProcess.start(dir, "hls:\n  segment: 1s\n  keep: 8s\n  path: " + hls + "\n")) {
            Path index = hls.resolve("live/re/index.m3u8");
            for (int publish = 0; publish < 2; publish++) {
                Path log = dir.resolve("publish" + publish + ".log");
                assertEquals(0, processes.run(log, Duration.ofSeconds(40), TestMedia.publishCommand(4, worker.url("re"))),
                        Processes.tail(log, 20));
            }
            String playlist = Files.readString(index, StandardCharsets.UTF_8);
            Matcher m = SEGMENT.matcher(playlist);
            List<String> tags = new ArrayList<>();
            long last = -1;
            while (m.find()) {
                long seq = Long.parseLong(m.group(2));
                assertTrue(last < 0 || seq == last + 1, "sequence runs on: " + playlist);
                last = seq;
                if (!tags.contains(m.group(1))) {
                    tags.add(m.group(1));
                }
            }
            assertEquals(2, tags.size(), "segments of both publishes in the window: " + playlist);
            int disc = playlist.indexOf("#EXT-X-DISCONTINUITY\n");
            assertTrue(disc > 0 && playlist.indexOf(tags.get(1)) > disc && playlist.indexOf(tags.get(0)) < disc,
                    "the second publish starts behind a discontinuity: " + playlist);
            assertTrue(playlist.substring(disc).startsWith("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"" + tags.get(1) + "-init0.mp4\"\n"),
                    "with its own init segment: " + playlist);

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Files.exists(index) || Files.exists(hls.resolve("live/re.m3u8"))) {
                assertTrue(System.nanoTime() < deadline, "files still there 30 s after the end (keep 8s)");
                Thread.sleep(200);
            }
            assertTrue(!Files.exists(hls.resolve("live/re")), "the stream's directory is gone too");
        }
    }
}
