package io.sluice.worker.hls;

import io.sluice.worker.stream.StreamKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HlsSweeperTest {

    private static Path stream(Path root, String name, long mtime) throws Exception {
        Path dir = HlsLayout.streamDir(root, StreamKey.parse(name));
        Files.createDirectories(dir);
        for (String f : new String[] {"index.m3u8", "ab-1.ts", ".ab-2.ts.tmp"}) {
            Files.writeString(dir.resolve(f), "x");
            Files.setLastModifiedTime(dir.resolve(f), FileTime.fromMillis(mtime));
        }
        Path multivariant = HlsLayout.multivariant(dir);
        Files.writeString(multivariant, "x");
        Files.setLastModifiedTime(multivariant, FileTime.fromMillis(mtime));
        return dir;
    }

    @Test
    void removesStaleStreamsKeepsFreshActiveAndForeignFiles(@TempDir Path root) throws Exception {
        long now = System.currentTimeMillis();
        Path stale = stream(root, "live/old", now - 600_000);
        Path fresh = stream(root, "live/new", now);
        Path activeButOld = stream(root, "live/a/b", now - 600_000);
        Path foreign = root.resolve("live/old/README");
        Files.writeString(foreign, "an operator's file");
        Files.setLastModifiedTime(foreign, FileTime.fromMillis(now - 600_000));

        assertEquals(1, HlsSweeper.sweep(root, now - 120_000, Set.of(activeButOld)));

        assertFalse(Files.exists(stale.resolve("index.m3u8")));
        assertFalse(Files.exists(stale.resolve("ab-1.ts")));
        assertFalse(Files.exists(HlsLayout.multivariant(stale)));
        assertTrue(Files.exists(foreign), "only the segmenter's own file names are removed");
        assertTrue(Files.exists(fresh.resolve("ab-1.ts")), "fresh segment");
        assertTrue(Files.exists(HlsLayout.multivariant(fresh)), "fresh multivariant");
        assertTrue(Files.exists(activeButOld.resolve("index.m3u8")), "active playlist");
        assertTrue(Files.exists(HlsLayout.multivariant(activeButOld)), "active multivariant");
    }

    @Test
    void namesThatCannotBePathsAreNotSegmented(@TempDir Path root) {
        for (String name : new String[] {"live/..", "live/a/../../b", "live/.x", "live/x.m3u8", "live/x.ts", "live/a\\b",
                "live/a//b", "live/a\u0001"}) {
            assertNull(HlsLayout.streamDir(root, StreamKey.parse(name)), name);
        }
        assertEquals(root.resolve("live/a/b"), HlsLayout.streamDir(root, StreamKey.parse("live/a/b")));
        assertEquals("a%20b/index.m3u8", HlsLayout.mediaPlaylistUri(root.resolve("live/a b")));
    }
}
