/**
 * The server-wide stream directory: which worker publishes which name, and which workers wait for
 * a name (bounded per worker; entries leave with their players).
 */
package io.sluice.master.directory;
