package io.sluice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.it.WorkerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-client tool end to end against a real worker: short windows, three attack kinds
 * (raw bytes without a handshake, raw bytes after the project's client handshake, RTMP-client
 * players), and every figure the report reads is there and plausible. What the server does
 * under the attacks is the benchmark's business, not asserted here.
 */
class HostileIT {

    @Test
    @Timeout(180)
    void measuresHonestPlayersAndTheServerThroughEachAttack(@TempDir Path dir) throws Exception {
        Ffmpeg.ffmpeg();
        Path flv = dir.resolve("source.flv");
        try (Processes processes = new Processes()) {
            TestMedia.writeFlv(processes, flv, 8);
        }
        Path json = dir.resolve("results.jsonl");
        try (WorkerProcess worker = WorkerProcess.start(dir, "log:\n  level: info\n")) {
            List<HostileResult> results = Hostile.measure(HostileOptions.parse(new String[] {
                    "--url", worker.url("honest"), "--flv", flv.toString(), "--players", "3",
                    "--attacks", "garbage-handshake,deep-amf,stop-reading",
                    "--param", "garbage-handshake.connections=5", "--param", "deep-amf.connections=2",
                    "--param", "stop-reading.connections=5",
                    "--pids", Long.toString(worker.pid()), "--label", "worker",
                    "--settle", "0.5", "--baseline", "1", "--window", "2", "--cooldown", "1", "--late", "1",
                    "--json-out", json.toString()}));

            assertEquals(3, results.size());
            for (HostileResult r : results) {
                String what = r.attackKind() + ": " + r;
                assertNull(r.error(), what);
                assertEquals(3, r.players());
                assertTrue(r.baseline().seconds() >= 1 && r.attack().seconds() >= 3, what);
                assertEquals(3, r.attack().playerMaxGapMs().size(), what);
                assertTrue(r.baseline().maxGapMs() > 0 && r.baseline().maxGapMs() <= 1000 * r.baseline().seconds(), what);
                assertTrue(r.attack().published() > 0 && r.attack().receivedMin() > 0, what);
                assertTrue(r.memory().beforeKb() > 0 && r.memory().peakKb() >= r.memory().beforeKb(), what);
                assertTrue(r.attackers().opened() > 0, what);
                assertEquals(1, r.lateJoinMs().size(), what);
            }
            assertEquals(List.of("garbage-handshake", "deep-amf", "stop-reading"),
                    results.stream().map(HostileResult::attackKind).toList());
        }
        List<String> lines = Files.readAllLines(json);
        assertEquals(3, lines.size());
        assertEquals("deep-amf", new ObjectMapper().readTree(lines.get(1)).path("attackKind").asText());
    }
}
