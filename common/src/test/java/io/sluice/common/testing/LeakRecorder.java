package io.sluice.common.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Logback appender that keeps every leak report Netty's {@code ResourceLeakDetector} logs.
 * Wired in {@code logback-test.xml}; {@link LeakCheckExtension} turns a report into a failure.
 */
public final class LeakRecorder extends AppenderBase<ILoggingEvent> {

    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.ERROR) && event.getFormattedMessage().contains("LEAK:")) {
            REPORTS.add(event.getFormattedMessage());
        }
    }

    /** Returns and forgets the reports collected so far. */
    static List<String> drain() {
        List<String> copy = List.copyOf(REPORTS);
        REPORTS.clear();
        return copy;
    }
}
