package io.sluice.master.directory.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A lease on a name as Redis holds it.
 *
 * @param node  the host that holds it
 * @param epoch its fencing epoch (from {@code sluice:epoch})
 * @param addr  {@code host:port} other hosts relay from
 * @param since Unix ms when it was taken; 0 when not known
 * @param worker the worker id on {@code node} with the publisher; 0 when not known
 */
public record StreamLease(String node, long epoch, String addr, long since, int worker) {

    /** The lease in a {@code sluice:stream:*} hash; null for an empty hash (no lease). */
    public static StreamLease of(Map<String, String> hash) {
        if (hash == null || hash.get("node") == null) {
            return null;
        }
        return new StreamLease(hash.get("node"), parse(hash.get("epoch")), hash.getOrDefault("addr", ""),
                parse(hash.get("since")), (int) parse(hash.get("worker")));
    }

    /**
     * The answer of {@link RedisKeys#WHERE}.
     *
     * @param lease      null when nobody holds the name
     * @param relayNodes the hosts relaying it, sorted
     */
    public record Where(StreamLease lease, List<String> relayNodes) {
        static Where of(List<Object> reply) {
            Map<String, String> hash = new HashMap<>();
            int i = 0;
            for (; i + 1 < reply.size() && !"".equals(String.valueOf(reply.get(i))); i += 2) {
                hash.put(String.valueOf(reply.get(i)), String.valueOf(reply.get(i + 1)));
            }
            List<String> relays = new ArrayList<>();
            for (i++; i < reply.size(); i++) {
                relays.add(String.valueOf(reply.get(i)));
            }
            relays.sort(null);
            return new Where(StreamLease.of(hash), List.copyOf(relays));
        }
    }

    private static long parse(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The answer of {@link RedisKeys#CLAIM}; {@code relayNodes}: the hosts relaying the name (granted only). */
    public record ClaimResult(boolean granted, String owner, long epoch, boolean fresh, List<String> relayNodes) {
        static ClaimResult of(List<Object> reply) {
            List<String> relays = new ArrayList<>();
            for (int i = 4; i < reply.size(); i++) {
                relays.add(String.valueOf(reply.get(i)));
            }
            relays.sort(null);
            return new ClaimResult(number(reply, 0) == 1, reply.size() > 1 ? String.valueOf(reply.get(1)) : "",
                    number(reply, 2), number(reply, 3) == 1, List.copyOf(relays));
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
