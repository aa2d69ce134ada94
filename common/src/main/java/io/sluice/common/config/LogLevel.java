package io.sluice.common.config;

import java.util.Locale;

/** The level applied to the {@code io.sluice} loggers; written in lower case in sluice.yaml. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR;

    /** As written in sluice.yaml, e.g. {@code info}. Logback's {@code Level.toLevel} takes {@link #name()}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
