package io.sluice.worker.it;

import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ffmpeg command lines the integration tests share: a generated H.264 + AAC test stream. */
public final class TestMedia {

    private TestMedia() {
    }

    /**
     * Input options for a generated stream: testsrc2 video and a sine tone, in real time when
     * {@code realtime}, for {@code seconds}.
     */
    public static List<String> generatedInput(boolean realtime, int seconds) {
        List<String> args = new ArrayList<>();
        if (realtime) {
            args.add("-re");
        }
        args.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", String.valueOf(seconds)));
        return args;
    }

    /** H.264 (GOP 30, no scene-cut key frames) and AAC encoder options. */
    public static List<String> h264Aac() {
        return List.of("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30",
                "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k");
    }

    /** ffmpeg publishing a generated H.264 + AAC stream of {@code seconds}, in real time, to {@code rtmpUrl}. */
    public static List<String> publishCommand(int seconds, String rtmpUrl) {
        List<String> cmd = new ArrayList<>(List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "warning"));
        cmd.addAll(generatedInput(true, seconds));
        cmd.addAll(h264Aac());
        cmd.addAll(List.of("-f", "flv", rtmpUrl));
        return cmd;
    }

    /** Writes a generated FLV file of {@code seconds}. */
    public static void writeFlv(Processes processes, Path out, int seconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
        cmd.addAll(generatedInput(false, seconds));
        cmd.addAll(h264Aac());
        cmd.addAll(List.of("-f", "flv", out.toString()));
        Path log = out.resolveSibling(out.getFileName() + ".log");
        assertEquals(0, processes.run(log, Duration.ofSeconds(60), cmd), Processes.tail(log, 20));
    }
}
