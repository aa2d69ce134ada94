/**
 * AMF0 and AMF3 encoding of RTMP command (types 20/17) and data (types 18/15) message bodies.
 *
 * <p>Pure helpers over Netty {@code ByteBuf}s: {@link io.sluice.worker.rtmp.amf.Amf0Reader},
 * {@link io.sluice.worker.rtmp.amf.Amf0Writer}, {@link io.sluice.worker.rtmp.amf.Amf3Reader},
 * {@link io.sluice.worker.rtmp.amf.Amf3Writer}. They never retain or release the buffers they
 * are given. Values map to plain Java types ({@code Double}, {@code Boolean}, {@code String},
 * {@code null}, {@code Map}, {@code List}) plus a few records for the AMF types Java lacks
 * ({@link io.sluice.worker.rtmp.amf.AmfDate}, {@link io.sluice.worker.rtmp.amf.AmfXml},
 * {@link io.sluice.worker.rtmp.amf.AmfTypedObject}, {@link io.sluice.worker.rtmp.amf.Amf3Array},
 * {@link io.sluice.worker.rtmp.amf.EcmaArray}, {@link io.sluice.worker.rtmp.amf.AmfUndefined}).
 *
 * <p>The readers parse bytes from the network: every length and count read off the wire is
 * checked against the readable bytes before anything is sized from it, nesting is bounded by
 * {@link io.sluice.worker.rtmp.amf.Amf#MAX_DEPTH} (also where references nest values), what
 * references make of a value by {@link io.sluice.worker.rtmp.amf.Amf#MAX_REFERENCE_EXPANSION},
 * and every defect surfaces as an
 * {@link io.sluice.worker.rtmp.amf.AmfException} naming the type, the offset and the reason.
 * Cyclic object graphs are refused on both sides so that {@code equals}, {@code hashCode} and
 * {@code toString} of a decoded value always terminate.
 */
package io.sluice.worker.rtmp.amf;
