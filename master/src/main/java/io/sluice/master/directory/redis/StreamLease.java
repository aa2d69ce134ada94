package io.sluice.master.directory.redis;

import java.util.List;
import java.util.Map;

/**
 * A lease on a name as Redis holds it.
 *
 * @param node  the host that holds it
 * @param epoch its fencing epoch (from {@code sluice:epoch})
 * @param addr  {@code host:port} other hosts relay from
 * @param since Unix ms when it was taken; 0 when not known
 */
public record StreamLease(String node, long epoch, String addr, long since) {

    /** The lease in a {@code sluice:stream:*} hash; null for an empty hash (no lease). */
    public static StreamLease of(Map<String, String> hash) {
        if (hash == null || hash.get("node") == null) {
            return null;
        }
        return new StreamLease(hash.get("node"), parse(hash.get("epoch")), hash.getOrDefault("addr", ""),
                parse(hash.get("since")));
    }

    private static long parse(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The answer of {@link RedisKeys#CLAIM}. */
    public record ClaimResult(boolean granted, String owner, long epoch, boolean fresh) {
        static ClaimResult of(List<Object> reply) {
            return new ClaimResult(number(reply, 0) == 1, reply.size() > 1 ? String.valueOf(reply.get(1)) : "",
                    number(reply, 2), number(reply, 3) == 1);
        }

        private static long number(List<Object> reply, int i) {
            if (reply.size() <= i || reply.get(i) == null) {
                return 0;
            }
            Object o = reply.get(i);
            return o instanceof Number n ? n.longValue() : parse(String.valueOf(o));
        }
    }
}
