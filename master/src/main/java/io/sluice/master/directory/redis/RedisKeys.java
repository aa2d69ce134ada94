package io.sluice.master.directory.redis;

import io.sluice.common.protocol.StreamRef;

/**
 * What the cluster keeps in Redis, all under one prefix so that a Redis shared with other
 * programs is not confused (or confusing):
 * <ul>
 *   <li>{@code sluice:stream:APP/NAME}: a hash, the lease on a name ({@code node}, {@code epoch},
 *       {@code addr}: where other hosts relay from, {@code since}: Unix ms, {@code worker}: the
 *       worker id there), expiring with it;</li>
 *   <li>{@code sluice:relays:APP/NAME}: a sorted set, the hosts that relay the name from its
 *       owner, each scored with the Redis time (ms) its entry expires at; written when a host's
 *       relay starts and at each renewal, so it costs nothing per play or frame. Only shown
 *       ({@code bin/ctl where}, the API, metrics); nothing decides on it;</li>
 *   <li>{@code sluice:epoch}: the counter every new lease takes its epoch from (INCR), so epochs
 *       only grow and a lease that moved on is never mistaken for an older one;</li>
 *   <li>{@code sluice:node:NODE}: a set, the names a node holds leases on, so that a master that
 *       restarts can give back what its previous run held;</li>
 *   <li>channel {@code sluice:published}: {@code "NODE APP/NAME"} each time a lease is taken.</li>
 * </ul>
 * The scripts touch keys of several hash slots, so the directory needs one Redis (a primary
 * with replicas, or Sentinel), not Redis Cluster.
 */
final class RedisKeys {

    static final String PREFIX = "sluice:";
    static final String EPOCH = PREFIX + "epoch";
    static final String PUBLISHED = PREFIX + "published";

    private RedisKeys() {
    }

    static String stream(StreamRef ref) {
        return PREFIX + "stream:" + ref;
    }

    static String node(String node) {
        return PREFIX + "node:" + node;
    }

    static String relays(StreamRef ref) {
        return PREFIX + "relays:" + ref;
    }

    /**
     * Takes or renews a lease. Free name: a new epoch, the node's set, a message on the channel.
     * Held by this node: the expiry is pushed back (whatever the epoch: it is this node's own).
     * Held by another node: refused, with that node and its epoch. One script, so no other client
     * runs between the read and the write.
     * A granted answer carries the hosts that relay the name (unexpired entries of the relays set),
     * so the owner learns them at each renewal without a command of its own.
     * KEYS: stream hash, epoch counter, node set, relays set. ARGV: node, ttl ms, addr, now ms,
     * ref, channel, worker id.
     * Returns {granted 0/1, owner node, epoch, fresh 0/1, relaying node...}.
     */
    static final String CLAIM = """
            local owner = redis.call('HGET', KEYS[1], 'node')
            if owner and owner ~= ARGV[1] then
              return {0, owner, redis.call('HGET', KEYS[1], 'epoch'), 0}
            end
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
            local reply
            if owner then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              redis.call('HSET', KEYS[1], 'addr', ARGV[3], 'worker', ARGV[7])
              reply = {1, owner, redis.call('HGET', KEYS[1], 'epoch'), 0}
            else
              local epoch = redis.call('INCR', KEYS[2])
              redis.call('HSET', KEYS[1], 'node', ARGV[1], 'epoch', epoch, 'addr', ARGV[3], 'since', ARGV[4],
                  'worker', ARGV[7])
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              redis.call('SADD', KEYS[3], ARGV[5])
              redis.call('PUBLISH', ARGV[6], ARGV[1] .. ' ' .. ARGV[5])
              reply = {1, ARGV[1], tostring(epoch), 1}
            end
            for _, n in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
              table.insert(reply, n)
            end
            return reply
            """;

    /**
     * Notes (or renews) that a host relays a name: its entry expires a TTL from now, Redis's
     * clock (so the hosts' clocks need not agree), and the set with the last entry.
     * KEYS: relays set. ARGV: node, ttl ms. Returns 1.
     */
    static final String RELAYING = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """;

    /**
     * Where a name is: the lease's fields and the hosts that relay it (unexpired), for
     * {@code bin/ctl where} and the API. KEYS: stream hash, relays set.
     * Returns {hash as field, value..., '', relaying node...}: an empty string separates them.
     */
    static final String WHERE = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local reply = redis.call('HGETALL', KEYS[1])
            table.insert(reply, '')
            for _, n in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], now, '+inf')) do
              table.insert(reply, n)
            end
            return reply
            """;

    /**
     * Gives a lease back, only if this node still holds it at this epoch ({@code *}: any epoch
     * of this node, for what a previous run left). KEYS: stream hash, node set, relays set. ARGV: node,
     * epoch, ref. Returns 1 when it deleted the lease (and the hosts relaying it with it: a new
     * owner's relays register again).
     */
    static final String RELEASE = """
            redis.call('SREM', KEYS[2], ARGV[3])
            if redis.call('HGET', KEYS[1], 'node') == ARGV[1]
                and (ARGV[2] == '*' or redis.call('HGET', KEYS[1], 'epoch') == ARGV[2]) then
              redis.call('DEL', KEYS[1], KEYS[3])
              return 1
            end
            return 0
            """;
}
