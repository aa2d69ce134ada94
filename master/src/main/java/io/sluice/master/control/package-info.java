/**
 * The control socket ({@link io.sluice.master.control.ControlServer}) that {@code bin/ctl} talks
 * to, the {@link io.sluice.master.control.Reloader} and the status views it answers with.
 */
package io.sluice.master.control;
