/**
 * HLS on the worker that owns a published stream: a {@link io.sluice.worker.hls.Segmenter} per
 * stream subscribes like a player, cuts MPEG-TS segments at key frames
 * ({@link io.sluice.worker.hls.ts}) and hands the bytes to the worker's HLS file thread
 * ({@link io.sluice.worker.hls.StreamFiles}), which writes them under a temporary name, renames
 * them into place and keeps the media and multivariant playlists
 * ({@link io.sluice.worker.hls.MediaPlaylist}) and the disk use bounded. Serving the files is the
 * HTTP listener's job; any worker serves any stream's files.
 */
package io.sluice.worker.hls;
