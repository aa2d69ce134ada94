/**
 * Media payload inspection and FLV file I/O.
 *
 * <p>{@link io.sluice.worker.media.MediaTagReader} looks at the body of an RTMP audio (type 8) or
 * video (type 9) message, which is byte for byte an FLV tag body, and tells the stream layer what
 * it carries (codec, key frame, sequence header ...) so the GOP cache and the fan-out can act on
 * it. It never rejects a payload: whatever it cannot read is reported as codec
 * {@value io.sluice.worker.media.MediaTag#UNKNOWN_CODEC} with flags that make the stream layer
 * pass it through untouched.
 *
 * <p>{@link io.sluice.worker.media.FlvReader} and {@link io.sluice.worker.media.FlvWriter} read and
 * write FLV files for tests and the load generator.
 */
package io.sluice.worker.media;
