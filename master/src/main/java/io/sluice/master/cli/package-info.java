/** {@code bin/ctl}: talks to a running master's control socket and renders its answers. */
package io.sluice.master.cli;
