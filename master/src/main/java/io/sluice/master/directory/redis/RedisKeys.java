package io.sluice.master.directory.redis;

import io.sluice.common.protocol.StreamRef;

/**
 * What the cluster keeps in Redis, all under one prefix so that a Redis shared with other
 * programs is not confused (or confusing):
 * <ul>
 *   <li>{@code sluice:stream:APP/NAME}: a hash, the lease on a name ({@code node}, {@code epoch},
 *       {@code addr}: where other hosts relay from, {@code since}: Unix ms), expiring with it;</li>
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

    /**
     * Takes or renews a lease. Free name: a new epoch, the node's set, a message on the channel.
     * Held by this node: the expiry is pushed back (whatever the epoch: it is this node's own).
     * Held by another node: refused, with that node and its epoch. One script, so no other client
     * runs between the read and the write.
     * KEYS: stream hash, epoch counter, node set. ARGV: node, ttl ms, addr, now ms, ref, channel.
     * Returns {granted 0/1, owner node, epoch, fresh 0/1}.
     */
    static final String CLAIM = """
            local owner = redis.call('HGET', KEYS[1], 'node')
            if owner and owner ~= ARGV[1] then
              return {0, owner, redis.call('HGET', KEYS[1], 'epoch'), 0}
            end
            if owner then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              redis.call('HSET', KEYS[1], 'addr', ARGV[3])
              return {1, owner, redis.call('HGET', KEYS[1], 'epoch'), 0}
            end
            local epoch = redis.call('INCR', KEYS[2])
            redis.call('HSET', KEYS[1], 'node', ARGV[1], 'epoch', epoch, 'addr', ARGV[3], 'since', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('SADD', KEYS[3], ARGV[5])
            redis.call('PUBLISH', ARGV[6], ARGV[1] .. ' ' .. ARGV[5])
            return {1, ARGV[1], tostring(epoch), 1}
            """;

    /**
     * Gives a lease back, only if this node still holds it at this epoch ({@code *}: any epoch
     * of this node, for what a previous run left). KEYS: stream hash, node set. ARGV: node,
     * epoch, ref. Returns 1 when it deleted the lease.
     */
    static final String RELEASE = """
            redis.call('SREM', KEYS[2], ARGV[3])
            if redis.call('HGET', KEYS[1], 'node') == ARGV[1]
                and (ARGV[2] == '*' or redis.call('HGET', KEYS[1], 'epoch') == ARGV[2]) then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """;
}
