package io.sluice.common.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds ffmpeg and ffprobe for integration tests. Where they are missing, a test is skipped on a
 * developer machine but FAILS when {@code CI=true}: CI installs ffmpeg, so a missing binary
 * there is a broken set-up, not a reason to pass.
 */
public final class Ffmpeg {

    private Ffmpeg() {
    }

    /** Path of the ffmpeg binary; skips or fails the calling test when it is missing. */
    public static String ffmpeg() {
        return require("ffmpeg");
    }

    /** Path of the ffprobe binary; skips or fails the calling test when it is missing. */
    public static String ffprobe() {
        return require("ffprobe");
    }

    private static String require(String name) {
        String found = find(name);
        if (found != null) {
            return found;
        }
        String message = name + " is not installed (apt-get install ffmpeg)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message + "; skipping (set CI=true to make this a failure)");
        return null;
    }

    private static String find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
