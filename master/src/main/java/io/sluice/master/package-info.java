/**
 * The master process: {@link io.sluice.master.Master} wires the rooms together and
 * {@link io.sluice.master.MasterCycle} handles their events in a fixed order on the master loop.
 * The rooms: {@code process} (slots, generations, heartbeat, stop), {@code channel} (the master's
 * end of the worker channel), {@code directory} (which worker publishes which name),
 * {@code control} (the control socket and reload), {@code cli} ({@code bin/ctl}). See
 * docs/architecture.md.
 */
package io.sluice.master;
