/**
 * HTTP into a worker, for browsers: the listener ({@link io.sluice.worker.http.HttpListener}),
 * the pipeline on Netty's HTTP and WebSocket codecs, routing of {@code /{app}/{name}.flv}, CORS,
 * and the answers to bad requests. The FLV itself is {@code http.flv}'s.
 */
package io.sluice.worker.http;
