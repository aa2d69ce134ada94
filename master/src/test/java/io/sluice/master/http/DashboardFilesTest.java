package io.sluice.master.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.common.channel.ChannelJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DashboardFilesTest {

    private final DashboardFiles files = new DashboardFiles();

    @Test
    void servesThePageItsScriptsAndThePreviewPlayer() {
        HttpReply page = files.get(HttpMethod.GET, "/dashboard/");
        assertEquals(HttpResponseStatus.OK, page.status());
        String html = new String(page.body(), StandardCharsets.UTF_8);
        for (String script : new String[] {"vendor/mpegts.js", "dashboard.js"}) {
            assertTrue(html.contains("<script src=\"" + script + "\">"), script);
            assertEquals(HttpResponseStatus.OK, files.get(HttpMethod.GET, "/dashboard/" + script).status());
        }
        assertEquals(HttpResponseStatus.OK, files.get(HttpMethod.GET, "/dashboard/vendor/LICENSE-mpegts.js").status());
    }

    @Test
    void onlyTheListedFilesAreServed() {
        assertThrows(HttpProblem.class, () -> files.get(HttpMethod.GET, "/dashboard/vendor/"));
        assertThrows(HttpProblem.class, () -> files.get(HttpMethod.GET, "/dashboard/../dashboard/index.html"));
        assertThrows(HttpProblem.class, () -> files.get(HttpMethod.GET, "/dashboard/vendor/README"));
    }

    /** The copy in the jar is the version the browser tests pin, so what the tests play is what ships. */
    @Test
    void theVendoredPlayerIsTheVersionTheBrowserTestsPin() throws Exception {
        JsonNode pkg = ChannelJson.parse(Files.readString(Path.of("..", "browser-tests", "package.json")));
        String pinned = pkg.get("dependencies").get("mpegts.js").asText();
        String served = new String(files.get(HttpMethod.GET, "/dashboard/vendor/mpegts.js").body(), StandardCharsets.UTF_8);
        assertTrue(served.contains("\"" + pinned + "\""), "vendor/mpegts.js is not mpegts.js " + pinned);
    }
}
