/**
 * Typed RTMP messages (records) decoded from and encoded to chunk-stream messages, and the
 * handling of protocol control messages (chunk size, acknowledgements, window, bandwidth).
 */
package io.sluice.worker.rtmp.message;
