package io.sluice.worker.hls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Removes HLS files nobody writes any more: those of a stream whose owner died without cleaning
 * up (crash, {@code kill -9}), found by the next owner or by any worker's periodic sweep. Only
 * names the segmenter writes are touched ({@code .ts}, {@code .m3u8} and temporary files), never
 * anything else an operator put under the root, and no symbolic link is followed.
 */
final class HlsSweeper {

    private HlsSweeper() {
    }

    /** Deletes a stream's files, its directory if that is then empty, and its multivariant playlist. */
    static void removeStream(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    if (isOurs(f) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                        StreamFiles.deleteQuietly(f);
                    }
                }
            }
            deleteIfEmpty(dir);
        }
        StreamFiles.deleteQuietly(HlsLayout.multivariant(dir));
    }

    /**
     * Walks {@code root}: a stream directory whose media playlist (or, without one, newest file)
     * is older than {@code staleBefore} (epoch ms) and not in {@code active} is removed, with its
     * multivariant playlist; then empty directories go.
     *
     * @return stream directories removed
     */
    static int sweep(Path root, long staleBefore, Set<Path> active) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int[] removed = {0};
        Files.walkFileTree(root, Set.of(), 32, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                if (!active.contains(dir) && newestOfOurs(dir) < staleBefore) {
                    boolean hadFiles = newestOfOurs(dir) > Long.MIN_VALUE;
                    removeStream(dir);
                    if (hadFiles) {
                        removed[0]++;
                    }
                } else {
                    deleteIfEmpty(dir);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                // A multivariant playlist whose directory is gone, left by a crash mid-removal.
                String name = file.getFileName().toString();
                if (name.endsWith(HlsLayout.PLAYLIST_SUFFIX) && !name.equals(HlsLayout.MEDIA_PLAYLIST)
                        && attrs.isRegularFile() && !active.contains(file.getParent())
                        && attrs.lastModifiedTime().toMillis() < staleBefore
                        && !Files.exists(file.resolveSibling(name.substring(0, name.length() - 5)))) {
                    StreamFiles.deleteQuietly(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return removed[0];
    }

    /** Last-modified time of the media playlist, else of the newest file of ours; MIN_VALUE for none. */
    private static long newestOfOurs(Path dir) throws IOException {
        Path index = dir.resolve(HlsLayout.MEDIA_PLAYLIST);
        if (Files.isRegularFile(index, LinkOption.NOFOLLOW_LINKS)) {
            return Files.getLastModifiedTime(index, LinkOption.NOFOLLOW_LINKS).toMillis();
        }
        long newest = Long.MIN_VALUE;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (isOurs(f) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    newest = Math.max(newest, Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis());
                }
            }
        }
        return newest;
    }

    /**
     * A stream directory's own files: segments, the media playlist and their temporary files. Not
     * other playlists: {@code <dir>/x.m3u8} is the multivariant playlist of the stream in
     * {@code <dir>/x/}, which has its own life.
     */
    private static boolean isOurs(Path f) {
        String name = f.getFileName().toString();
        return HlsLayout.isMediaFile(name) || name.equals(HlsLayout.MEDIA_PLAYLIST)
                || (name.startsWith(".") && name.endsWith(HlsLayout.TEMP_SUFFIX)
                    && HlsLayout.isMediaFile(name.substring(0, name.length() - HlsLayout.TEMP_SUFFIX.length())))
                || (name.startsWith("." + HlsLayout.MEDIA_PLAYLIST + ".") && name.endsWith(HlsLayout.TEMP_SUFFIX));
    }

    private static void deleteIfEmpty(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            if (entries.iterator().hasNext()) {
                return;
            }
        } catch (IOException e) {
            return;
        }
        StreamFiles.deleteQuietly(dir);
    }
}
