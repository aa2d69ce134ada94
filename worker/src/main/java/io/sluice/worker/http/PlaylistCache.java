package io.sluice.worker.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes of the HLS playlists this worker serves, read once per version of the file instead
 * of once per request: a thousand players polling one playlist each second cost a thousand
 * open/read/close and a String decode and encode each without it, with it one {@code stat}.
 *
 * <p>A version is known by the file's identity (device and inode), modification time and size,
 * all from that one {@code stat}: the owner never rewrites a playlist in place, it renames a new
 * file over it, so a new version has a new inode (and an inode the kernel reuses comes with a
 * later time). Entries are immutable byte arrays, shared by every event loop of the worker; a
 * response wraps them without copying. Bounded: past {@code maxEntries} playlists the cache
 * starts over (a worker serves a few playlists per stream).
 */
final class PlaylistCache {

    /** Playlists kept; a worker with more streams than this reads the rest each time. */
    static final int DEFAULT_MAX_ENTRIES = 4096;

    /** What a request for a playlist gets: its bytes, or null when it is not a regular file. */
    private record Entry(Object fileKey, FileTime modified, long size, byte[] bytes) {
    }

    private final int maxEntries;
    private final Map<Path, Entry> entries = new ConcurrentHashMap<>();

    /** @param maxEntries playlists kept at once ({@link #DEFAULT_MAX_ENTRIES}) */
    PlaylistCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /**
     * The bytes of {@code file} as they are now; null when it is not there or not a regular
     * file (a symbolic link is not followed).
     */
    byte[] read(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            entries.remove(file);
            return null;
        }
        if (!a.isRegularFile()) {
            return null;
        }
        Entry e = entries.get(file);
        if (e != null && e.size() == a.size() && e.modified().equals(a.lastModifiedTime())
                && Objects.equals(e.fileKey(), a.fileKey())) {
            return e.bytes();
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != a.size()) {
            return bytes; // replaced between the stat and the read: serve it, cache the next one
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(file, new Entry(a.fileKey(), a.lastModifiedTime(), a.size(), bytes));
        return bytes;
    }
}
