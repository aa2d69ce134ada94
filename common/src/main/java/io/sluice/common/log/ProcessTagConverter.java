package io.sluice.common.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Logback converter for {@code %proc}: the {@link ProcessTag} of this JVM. */
public final class ProcessTagConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return ProcessTag.get();
    }
}
