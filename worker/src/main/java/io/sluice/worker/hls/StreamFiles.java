package io.sluice.worker.hls;

import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The files of one publish of a stream, kept by the worker's HLS file thread: every method runs
 * there, in the order the stream's {@link Segmenter} asked for them, so nothing here blocks an
 * event loop and nothing needs a lock.
 *
 * <p>A segment is written to a temporary name as its bytes come and renamed into place when it
 * is complete, then the media playlist and the multivariant playlist are written the same way
 * (write, rename): a player never reads half a file. Segments that leave the window are deleted
 * after {@code hls.grace}; the whole directory {@code hls.keep} after the publish ended, unless
 * someone (a republish, here or on another worker) has written the playlist since.
 */
final class StreamFiles {

    private static final Logger log = LoggerFactory.getLogger(StreamFiles.class);

    /** What a finished segment adds to the playlists. */
    record Finished(long durationMillis, long programDateTime, boolean discontinuity, String codecs, int width,
                    int height) {
    }

    private final Path dir;
    private final String tag;
    private final ScheduledExecutorService io;
    private final HlsService.Limits limits;
    /** {@code .ts} or {@code .m4s}. */
    private final String suffix;
    /** Low-Latency HLS part target; 0 for none (parts are then only the segment's fragments). */
    private final long partTargetMillis;
    private MediaPlaylist playlist;
    /** The init segment of the segments written now (fMP4), null before the first or for MPEG-TS. */
    private String map;
    private int inits;
    private boolean continues;
    private FileChannel temp;
    private Path tempPath;
    private long segmentBytes;
    private long peakBitsPerSecond;
    private boolean failed;

    /**
     * @param tag a short name of this publish, in its segments' names: two owners of the stream
     *            one after the other never write the same file
     */
    StreamFiles(Path dir, String tag, ScheduledExecutorService io, HlsService.Limits limits) {
        this(dir, tag, io, limits, HlsLayout.SEGMENT_SUFFIX, -1);
    }

    /**
     * @param suffix           the segments' suffix, {@code .ts} or {@code .m4s}
     * @param partTargetMillis for fMP4: the Low-Latency HLS part target, 0 without Low-Latency
     *                         HLS; -1 for MPEG-TS
     */
    StreamFiles(Path dir, String tag, ScheduledExecutorService io, HlsService.Limits limits, String suffix,
                long partTargetMillis) {
        this.dir = dir;
        this.tag = tag;
        this.io = io;
        this.limits = limits;
        this.suffix = suffix;
        this.partTargetMillis = partTargetMillis;
    }

    Path dir() {
        return dir;
    }

    /**
     * Opens the directory and reads what an earlier publish of the stream left there: its
     * playlist continues (the first segment of this publish is a discontinuity), its files that
     * are in no playlist and older than the grace period go.
     */
    void begin() {
        try {
            Files.createDirectories(dir);
            Path index = dir.resolve(HlsLayout.MEDIA_PLAYLIST);
            int minTarget = limits.minTargetDuration();
            if (Files.exists(index)) {
                playlist = MediaPlaylist.parse(Files.readString(index, StandardCharsets.UTF_8), minTarget);
                continues = !playlist.isEmpty();
            } else {
                playlist = new MediaPlaylist(minTarget);
            }
            if (partTargetMillis >= 0) {
                playlist.fmp4(partTargetMillis, limits.deltaUpdates());
            }
            Set<String> listed = new HashSet<>();
            playlist.segments().forEach(s -> listed.add(s.uri()));
            long before = System.currentTimeMillis() - limits.graceMillis();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    boolean ours = HlsLayout.isMediaFile(name) || name.endsWith(HlsLayout.TEMP_SUFFIX);
                    if (ours && !listed.contains(name) && Files.isRegularFile(f)
                            && Files.getLastModifiedTime(f).toMillis() < before) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException e) {
            fail("cannot open the HLS directory", e);
        }
    }

    /** True when the next finished segment is the first of this publish and an earlier one's come before it. */
    boolean continuesEarlierPublish() {
        return continues;
    }

    /** Appends bytes to the segment being written; takes ownership of {@code bytes}. */
    void append(ByteBuf bytes) {
        try {
            if (failed) {
                return;
            }
            if (temp == null) {
                tempPath = dir.resolve("." + tag + "-" + playlist.nextSequence() + suffix + HlsLayout.TEMP_SUFFIX);
                temp = FileChannel.open(tempPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                segmentBytes = 0;
            }
            for (ByteBuffer b : bytes.nioBuffers()) {
                while (b.hasRemaining()) {
                    segmentBytes += temp.write(b);
                }
            }
        } catch (IOException e) {
            fail("cannot write a segment", e);
        } finally {
            limits.dequeued(bytes.readableBytes());
            bytes.release();
        }
    }

    /**
     * Writes a new fMP4 init segment ({@code ftyp} + {@code moov}) under a new name: the segments
     * from now on name it in {@code EXT-X-MAP}. Takes ownership of {@code bytes}.
     */
    void init(ByteBuf bytes) {
        try {
            if (failed) {
                return;
            }
            String name = tag + "-init" + inits++ + HlsLayout.INIT_SUFFIX;
            writeAtomically(dir.resolve(name), bytes);
            if (map != null) {
                Path old = dir.resolve(map);
                // Listed by the segments still in the window: goes with the last of them, at the latest.
                io.schedule(() -> deleteQuietly(old), limits.graceMillis() + limits.window() * limits.segmentMillis() * 4,
                        TimeUnit.MILLISECONDS);
            }
            map = name;
        } catch (IOException e) {
            fail("cannot write an init segment", e);
        } finally {
            limits.dequeued(bytes.readableBytes());
            bytes.release();
        }
    }

    /**
     * Appends one fragment ({@code moof} + {@code mdat}) to the segment being written; with
     * Low-Latency HLS it is also written as a part file of its own (temporary name, renamed) and
     * listed in the media playlist, which is rewritten. Takes ownership of {@code bytes}.
     *
     * @param discontinuity   the segment this part begins starts a discontinuity (first part only)
     * @param programDateTime wall clock time of the segment's first frame (first part only)
     * @param endsSegment     the last part of its segment: the preload hint names part 0 of the
     *                        next segment (a part after this one in this segment never comes)
     */
    void part(ByteBuf bytes, long durationMillis, boolean independent, boolean discontinuity, long programDateTime,
              boolean endsSegment) {
        if (partTargetMillis > 0 && !failed) {
            long sequence = playlist.nextSequence();
            int index = playlist.pendingParts().size();
            String name = partName(sequence, index);
            try {
                writeAtomically(dir.resolve(name), bytes.duplicate());
                playlist.addPart(new MediaPlaylist.Part(name, Math.max(1, durationMillis), independent),
                        discontinuity || continues, map, programDateTime,
                        endsSegment ? partName(sequence + 1, 0) : partName(sequence, index + 1));
                writeAtomically(dir.resolve(HlsLayout.MEDIA_PLAYLIST), playlist.render());
            } catch (IOException e) {
                fail("cannot write a part", e);
            }
        }
        append(bytes);
    }

    private String partName(long sequence, int index) {
        return tag + "-" + sequence + "-p" + index + HlsLayout.FMP4_SEGMENT_SUFFIX;
    }

    /** Drops the segment being written (the segmenter fell too far behind the disk). */
    void abandon() {
        closeTemp(true);
    }

    /** Completes the segment: renamed into place, listed, the playlists rewritten. */
    void finish(Finished f) {
        if (failed || temp == null) {
            closeTemp(true);
            return;
        }
        long sequence = playlist.nextSequence();
        String name = tag + "-" + sequence + suffix;
        try {
            temp.close();
            temp = null;
            Files.move(tempPath, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            boolean discontinuity = f.discontinuity() || continues;
            continues = false;
            List<MediaPlaylist.Segment> gone = playlist.add(new MediaPlaylist.Segment(sequence, name,
                    Math.max(1, f.durationMillis()), f.programDateTime(), discontinuity, map,
                    playlist.pendingParts()), limits.window());
            if (partTargetMillis > 0) {
                playlist.preloadHint(partName(sequence + 1, 0));
            }
            writeAtomically(dir.resolve(HlsLayout.MEDIA_PLAYLIST), playlist.render());
            long bits = segmentBytes * 8 * 1000 / Math.max(1, f.durationMillis());
            peakBitsPerSecond = Math.max(peakBitsPerSecond, bits);
            writeAtomically(HlsLayout.multivariant(dir), multivariant(f));
            long grace = limits.graceMillis();
            for (MediaPlaylist.Segment s : gone) {
                Path old = dir.resolve(s.uri());
                io.schedule(() -> deleteQuietly(old), grace, TimeUnit.MILLISECONDS);
                for (MediaPlaylist.Part part : s.parts()) {
                    Path p = dir.resolve(part.uri());
                    io.schedule(() -> deleteQuietly(p), grace, TimeUnit.MILLISECONDS);
                }
            }
        } catch (IOException e) {
            fail("cannot complete a segment", e);
        }
    }

    /** The multivariant playlist (RFC 8216, 4.3.4.2): one variant, this stream. */
    private String multivariant(Finished f) {
        StringBuilder s = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        s.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(Math.max(1, peakBitsPerSecond));
        if (!f.codecs().isEmpty()) {
            s.append(",CODECS=\"").append(f.codecs()).append('"');
        }
        if (f.width() > 0 && f.height() > 0) {
            s.append(",RESOLUTION=").append(f.width()).append('x').append(f.height());
        }
        s.append('\n').append(HlsLayout.mediaPlaylistUri(dir)).append('\n');
        return s.toString();
    }

    /**
     * The publish ended: the segment being written was completed by the caller; after
     * {@code hls.keep} the directory goes, unless its playlist was written after now (a
     * republish continued it).
     */
    void end() {
        closeTemp(true);
        long endedAt = System.currentTimeMillis();
        io.schedule(() -> removeUnlessContinued(endedAt), limits.keepMillis(), TimeUnit.MILLISECONDS);
    }

    private void removeUnlessContinued(long endedAt) {
        try {
            Path index = dir.resolve(HlsLayout.MEDIA_PLAYLIST);
            if (Files.exists(index)) {
                FileTime written = Files.getLastModifiedTime(index);
                if (written.toMillis() > endedAt) {
                    return;
                }
            }
            HlsSweeper.removeStream(dir);
        } catch (IOException e) {
            log.warn("cannot remove the HLS files of an ended stream [dir:{}]: {}", dir, e.toString());
        }
    }

    private void writeAtomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + tag + HlsLayout.TEMP_SUFFIX);
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Writes {@code bytes}' readable bytes (indexes untouched) to a temporary name, renamed to {@code target}. */
    private void writeAtomically(Path target, ByteBuf bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + HlsLayout.TEMP_SUFFIX);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (ByteBuffer b : bytes.nioBuffers()) {
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void closeTemp(boolean delete) {
        if (temp != null) {
            try {
                temp.close();
            } catch (IOException ignored) {
                // closing a file we only wrote
            }
            temp = null;
        }
        if (delete && tempPath != null) {
            deleteQuietly(tempPath);
            tempPath = null;
        }
    }

    private void fail(String what, IOException e) {
        closeTemp(true);
        if (!failed) {
            log.warn("{}, this publish gets no more HLS segments [dir:{}]: {}", what, dir, e.toString());
        }
        failed = true;
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException ignored) {
            // gone already
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", file, e.toString());
        }
    }
}
