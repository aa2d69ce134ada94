package io.sluice.worker.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link PlaylistCache}: one read per version of a playlist, a rename over it is a new version. */
class PlaylistCacheTest {

    private static void renameIn(Path file, String text) throws Exception {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aPlaylistIsReadOncePerVersion(@TempDir Path dir) throws Exception {
        PlaylistCache cache = new PlaylistCache(8);
        Path file = dir.resolve("index.m3u8");
        renameIn(file, "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:1\n");
        byte[] first = cache.read(file);
        assertArrayEquals("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:1\n".getBytes(StandardCharsets.UTF_8), first);
        assertSame(first, cache.read(file), "unchanged: the same bytes, not read again");
        // The same length and, on a coarse clock, maybe the same time: the new inode tells it apart.
        renameIn(file, "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:2\n");
        assertArrayEquals("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:2\n".getBytes(StandardCharsets.UTF_8), cache.read(file));
        Files.delete(file);
        assertNull(cache.read(file), "gone: not served from the cache");
    }

    @Test
    void onlyRegularFilesAreReadAndReadsStayRightPastTheBound(@TempDir Path dir) throws Exception {
        PlaylistCache cache = new PlaylistCache(2);
        Files.createDirectory(dir.resolve("d.m3u8"));
        assertNull(cache.read(dir.resolve("d.m3u8")));
        Path target = dir.resolve("t.m3u8");
        Files.writeString(target, "#EXTM3U\n");
        Files.createSymbolicLink(dir.resolve("l.m3u8"), target);
        assertNull(cache.read(dir.resolve("l.m3u8")), "a symbolic link is not followed");
        for (int i = 0; i < 5; i++) {
            Path f = dir.resolve(i + ".m3u8");
            Files.writeString(f, "#EXTM3U\n#" + i + "\n");
            assertArrayEquals(("#EXTM3U\n#" + i + "\n").getBytes(StandardCharsets.UTF_8), cache.read(f));
        }
    }
}
