package io.sluice.bench;

import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.it.WorkerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator's players count what ffmpeg receives: a real worker, players and
 * {@code ffmpeg -c copy} waiting on the stream before it starts, the generator's publisher
 * sending 6 s of a generated FLV file, and every receiver's video frames, audio frames and media
 * bytes equal to the file's.
 */
class GeneratorAccuracyIT {

    @Test
    @Timeout(120)
    void playersCountWhatFfmpegReceives(@TempDir Path dir) throws Exception {
        Ffmpeg.ffmpeg();
        Ffmpeg.ffprobe();
        Path flv = dir.resolve("source.flv");
        try (Processes processes = new Processes()) {
            TestMedia.writeFlv(processes, flv, 8);
        }
        try (WorkerProcess worker = WorkerProcess.start(dir, "log:\n  level: info\n")) {
            Verify.Report r = Verify.check(URI.create(worker.url("accuracy")), flv, 6, 20, dir);

            assertTrue(r.pass(), () -> r.problem() + ": " + r);
            assertEquals(180, r.expected().videoFrames(), "6 s at 30 frames per second");
            assertEquals(r.expected(), withName("file", r.ffmpeg()));
            assertEquals(20, r.players().size());
            r.players().forEach(p -> assertEquals(r.expected(), withName("file", p)));
        }
    }

    private static Verify.Counts withName(String who, Verify.Counts c) {
        return new Verify.Counts(who, c.videoFrames(), c.audioFrames(), c.videoBytes(), c.audioBytes());
    }
}
