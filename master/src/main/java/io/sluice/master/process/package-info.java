/**
 * Worker processes: the {@link io.sluice.master.process.Supervisor} of slots (spawn, reap,
 * respawn), generations as values and their swap on reload, the
 * {@link io.sluice.master.process.HeartbeatMonitor} (and each worker's connection share), and the
 * {@link io.sluice.master.process.Stopper} (close, TERM, KILL). Everything here runs on the
 * {@link io.sluice.master.process.MasterLoop}.
 */
package io.sluice.master.process;
