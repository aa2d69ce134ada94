package io.sluice.common.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.sluice.common.config.LogLevel;
import org.slf4j.LoggerFactory;

/** Applies the configured {@code log.level} to Sluice's loggers, at start and on reload. */
public final class LogLevels {

    private LogLevels() {
    }

    public static void apply(LogLevel level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Logger sluice = context.getLogger("io.sluice");
            sluice.setLevel(Level.toLevel(level.text(), Level.INFO));
        }
    }
}
