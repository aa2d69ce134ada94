/**
 * The control socket's protocol ({@code bin/ctl} ↔ master): its methods and the records of their
 * data. What the master computes for these views is also what an HTTP API would render.
 */
package io.sluice.common.protocol.control;
