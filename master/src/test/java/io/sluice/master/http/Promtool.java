package io.sluice.master.http;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code promtool check metrics} (Debian's {@code prometheus} package) on a metrics page. Without
 * promtool the calling test is skipped on a developer machine but fails when {@code CI=true}.
 */
public final class Promtool {

    private Promtool() {
    }

    /** Runs the check; returns promtool's output when it passed, fails the test when it did not. */
    public static String check(String page) throws IOException, InterruptedException {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            String message = "promtool is not installed (apt-get install prometheus)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + "; CI=true, so this is a failure, not a skip");
            }
            Assumptions.abort(message + "; skipping (set CI=true to make this a failure)");
        }
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assertions.assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        Assertions.assertEquals(0, p.exitValue(), "promtool check metrics:\n" + output + "\non:\n" + page);
        return output;
    }
}
