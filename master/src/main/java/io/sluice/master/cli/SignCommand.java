package io.sluice.master.cli;

import io.sluice.common.ExitCodes;
import io.sluice.common.access.UrlSignature;
import io.sluice.common.config.AppSettings;
import io.sluice.common.config.DurationUtil;
import io.sluice.common.config.SluiceConfig;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * {@code bin/ctl sign APP/NAME [--ttl 1h] [--host HOST]}: prints a signed RTMP URL and HTTP-FLV URL
 * for a stream, made with the first of the app's {@code secrets}. Needs only the configuration
 * file, not a running server: the URL is valid wherever that configuration runs.
 */
final class SignCommand {

    static final String HELP = "bin/ctl sign APP/NAME [--ttl DURATION] [--host HOST]\n"
            + "  Prints a signed RTMP URL and HTTP-FLV URL for APP/NAME, valid for DURATION (default 1h),\n"
            + "  made with the first of apps.APP.secrets; HOST (default 127.0.0.1) and the ports come\n"
            + "  from the configuration. The server need not be running.";
    static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** A year: links for longer are better made by a back-end (on_play) that can revoke them. */
    static final Duration MAX_TTL = Duration.ofDays(366);

    private SignCommand() {
    }

    static int run(SluiceConfig config, List<String> args, LongSupplier unixSeconds, PrintStream out, PrintStream err) {
        String stream = null;
        Duration ttl = DEFAULT_TTL;
        String host = "127.0.0.1";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--ttl") || a.equals("--host")) && i + 1 >= args.size()) {
                return usage(err, a + " needs a value");
            }
            switch (a) {
                case "--ttl" -> {
                    ttl = DurationUtil.parse(args.get(++i));
                    if (ttl == null || ttl.toSeconds() < 1 || ttl.compareTo(MAX_TTL) > 0) {
                        return usage(err, "--ttl must be a duration 1s..8784h (366 days) such as 90s, 30m or 1h, got '"
                                + args.get(i) + "'");
                    }
                }
                case "--host" -> host = args.get(++i);
                default -> {
                    if (stream != null || !a.matches("[^/]+/.+")) {
                        return usage(err, "sign needs one stream as APP/NAME, e.g. live/cam");
                    }
                    stream = a;
                }
            }
        }
        if (stream == null) {
            return usage(err, "sign needs one stream as APP/NAME, e.g. live/cam");
        }
        int slash = stream.indexOf('/');
        String app = stream.substring(0, slash);
        String name = stream.substring(slash + 1);
        AppSettings settings = config.apps().get(app);
        if (settings == null) {
            err.println("sluice ctl: app '" + app + "' is not served (apps: " + String.join(", ", config.apps().keySet())
                    + ")");
            return ExitCodes.FAILURE;
        }
        if (settings.secrets().isEmpty()) {
            err.println("sluice ctl: apps." + app + ".secrets is empty: there is nothing to sign with");
            return ExitCodes.FAILURE;
        }
        long expires = unixSeconds.getAsLong() + ttl.toSeconds();
        String query = UrlSignature.query(app, name, expires, settings.secrets().get(0));
        out.println("rtmp://" + host + ":" + config.rtmp().port() + "/" + app + "/" + name + "?" + query);
        if (config.http().enabled()) {
            out.println("http://" + host + ":" + config.http().port() + "/" + pathOf(app) + "/" + pathOf(name)
                    + ".flv?" + query);
        }
        if (!settings.signed().publish() && !settings.signed().play()) {
            err.println("sluice ctl: note: apps." + app + ".signed is none, so the server does not check signatures");
        }
        return ExitCodes.OK;
    }

    /** Each path segment percent-encoded (a name may hold slashes; spaces are %20 in a path). */
    private static String pathOf(String s) {
        StringBuilder out = new StringBuilder();
        for (String segment : s.split("/", -1)) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    private static int usage(PrintStream err, String message) {
        err.println("sluice ctl: " + message);
        return ExitCodes.USAGE;
    }
}
