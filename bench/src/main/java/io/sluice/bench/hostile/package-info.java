/**
 * Hostile RTMP clients for the hostile-client benchmark ({@link io.sluice.bench.Hostile}): one
 * {@link io.sluice.bench.hostile.Attack} per kind of abuse, each a set of connections kept up by a
 * {@link io.sluice.bench.hostile.Swarm}, with the malformed bytes built by
 * {@link io.sluice.bench.hostile.Wire}.
 */
package io.sluice.bench.hostile;
