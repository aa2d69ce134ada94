package io.sluice.worker.http;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HlsPathTest {

    private static final Path ROOT = Path.of("/srv/run/hls");

    @Test
    void mapsUrlsToFilesUnderTheRoot() throws Exception {
        HlsPath p = HlsPath.parse("/live/x.m3u8?token=abc", ROOT);
        assertEquals(ROOT.resolve("live/x.m3u8"), p.file());
        assertTrue(p.playlist());
        assertEquals("token=abc", p.query());
        HlsPath s = HlsPath.parse("/live/a%20b/c/ab12-7.ts", ROOT);
        assertEquals(ROOT.resolve("live/a b/c/ab12-7.ts"), s.file());
        assertFalse(s.playlist());
        assertEquals("", s.query());
        assertTrue(HlsPath.isHls("/live/x.m3u8?a=b"));
        assertTrue(HlsPath.isHls("/live/x/1.ts"));
        assertFalse(HlsPath.isHls("/live/x.flv"));
        assertFalse(HlsPath.isHls("/live/x.flv?f=.ts"));
    }

    @Test
    void nothingOutsideTheRoot() {
        for (String uri : new String[] {"/live/../x.m3u8", "/live/%2e%2e/%2e%2e/etc/passwd.ts", "/live/%2E%2E/x.ts",
                "/live/./x.ts", "/live/x%2f..%2f..%2fy.ts", "/live/x%5c..%5cy.ts", "/live//x.ts", "/live/.x.ts",
                "/live/x%00.ts", "/live/%zz.ts", "x.ts", "/x.ts"}) {
            assertThrows(StreamPath.BadPath.class, () -> HlsPath.parse(uri, ROOT), uri);
        }
    }

    @Test
    void queryGoesOntoEveryUriLineOnly() {
        String playlist = "#EXTM3U\n#EXTINF:2.000,\nab-1.ts\n#EXTINF:2.000,\nab-2.ts?x=1\n";
        assertEquals("#EXTM3U\n#EXTINF:2.000,\nab-1.ts?t=9\n#EXTINF:2.000,\nab-2.ts?x=1&t=9\n",
                HlsPath.withQuery(playlist, "t=9"));
        assertEquals(playlist, HlsPath.withQuery(playlist, ""));
    }

    @Test
    void parameterFindsADirectiveByItsWholeName() {
        String q = "token=a&_HLS_msn=12&_HLS_part=3&_HLS_skip=YES";
        assertEquals("12", HlsPath.parameter(q, "_HLS_msn"));
        assertEquals("3", HlsPath.parameter(q, "_HLS_part"));
        assertEquals("YES", HlsPath.parameter(q, "_HLS_skip"));
        assertEquals("a", HlsPath.parameter(q, "token"));
        assertEquals(null, HlsPath.parameter(q, "_HLS"));
        assertEquals(null, HlsPath.parameter("x_HLS_msn=1", "_HLS_msn"));
        assertEquals("", HlsPath.parameter("_HLS_msn=", "_HLS_msn"));
        assertEquals(null, HlsPath.parameter("", "_HLS_msn"));
    }
}
