package io.sluice.common.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where Sluice keeps runtime files (section {@code paths}). Relative paths are relative to
 * SLUICE_HOME, not to the current directory, so the scripts work from anywhere.
 *
 * @param runDir pid file and Unix sockets
 * @param logDir log files when daemonized
 */
public record PathSettings(Path runDir, Path logDir) {

    public PathSettings {
        Objects.requireNonNull(runDir, "runDir");
        Objects.requireNonNull(logDir, "logDir");
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static PathSettings defaults() {
        return new PathSettings(Path.of("run"), Path.of("logs"));
    }

    /** {@link #runDir()} resolved against {@code home} (an absolute run_dir stays as it is). */
    public Path runDir(Path home) {
        return home.resolve(runDir);
    }

    /** {@link #logDir()} resolved against {@code home} (an absolute log_dir stays as it is). */
    public Path logDir(Path home) {
        return home.resolve(logDir);
    }
}
