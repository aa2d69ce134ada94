package io.sluice.worker.rtmp.handshake;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * Logs a handshake line with the connection id (the channel id's short text) in the MDC under
 * {@value #MDC_CONN}, restoring whatever the MDC held before: event-loop threads serve many
 * connections, so the id cannot stay in the MDC between callbacks.
 */
final class ConnectionLogUtil {

    static final String MDC_CONN = "conn";

    private ConnectionLogUtil() {
    }

    static void warn(Logger log, Channel channel, String format, Object... args) {
        if (log.isWarnEnabled()) {
            String previous = enter(channel);
            try {
                log.warn(format, args);
            } finally {
                leave(previous);
            }
        }
    }

    static void debug(Logger log, Channel channel, String format, Object... args) {
        if (log.isDebugEnabled()) {
            String previous = enter(channel);
            try {
                log.debug(format, args);
            } finally {
                leave(previous);
            }
        }
    }

    private static String enter(Channel channel) {
        String previous = MDC.get(MDC_CONN);
        MDC.put(MDC_CONN, channel.id().asShortText());
        return previous;
    }

    private static void leave(String previous) {
        if (previous == null) {
            MDC.remove(MDC_CONN);
        } else {
            MDC.put(MDC_CONN, previous);
        }
    }
}
