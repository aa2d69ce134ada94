package io.sluice.master;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, written into the jar at build time (resources-filtered/). */
final class Version {

    private static final String VERSION = read();

    private Version() {
    }

    static String current() {
        return VERSION;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Reported as "unknown" below; the version is informative only.
        }
        return p.getProperty("version", "unknown");
    }
}
