/** The supervisor: spawns and heartbeats workers, keeps the stream directory, serves the control socket. */
package io.sluice.master;
