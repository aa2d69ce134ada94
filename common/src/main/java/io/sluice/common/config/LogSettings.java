package io.sluice.common.config;

import java.util.Objects;

/**
 * Logging (section {@code log}).
 *
 * @param level level of the {@code io.sluice} loggers
 */
public record LogSettings(LogLevel level) {

    public LogSettings {
        Objects.requireNonNull(level, "level");
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static LogSettings defaults() {
        return new LogSettings(LogLevel.INFO);
    }
}
