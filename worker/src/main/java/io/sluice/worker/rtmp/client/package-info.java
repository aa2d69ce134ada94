/**
 * An RTMP client on the worker's own codecs: relays between workers play through it, and the
 * benchmark's players and attackers are built on it.
 */
package io.sluice.worker.rtmp.client;
