package io.sluice.common.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.sluice.common.config.LogLevel;
import org.slf4j.LoggerFactory;

/** Applies the configured {@code log.level} to Sluice's loggers, at start and on reload. */
public final class LogLevels {

    /**
     * The logger of the server's start and stop lines: always at INFO or more verbose, whatever
     * {@code log.level} says, because {@code bin/start -d} waits for "Sluice started" and an
     * operator wants to see starts and stops even in a quiet log.
     */
    public static final String LIFECYCLE = "io.sluice.lifecycle";

    private LogLevels() {
    }

    public static void apply(LogLevel level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Level configured = Level.toLevel(level.text(), Level.INFO);
            context.getLogger("io.sluice").setLevel(configured);
            context.getLogger(LIFECYCLE).setLevel(configured.isGreaterOrEqual(Level.INFO) ? Level.INFO : configured);
        }
    }
}
