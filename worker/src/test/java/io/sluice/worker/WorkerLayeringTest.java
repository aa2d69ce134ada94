package io.sluice.worker;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's layering as a rule, so that layer skips cannot come back: which worker packages
 * each worker package may use (names below are relative to {@code io.sluice.worker}). A package
 * may always use itself; common/ is open to all; the master never (the worker knows it only as
 * the other end of the channel).
 *
 * <p>Read from the sources, as {@code MasterIndependenceTest} does: every fully qualified
 * reference to a worker class counts, in imports (static ones too), code and javadoc. Why not
 * ArchUnit: the rule is a table of package names, the sources say all of it, and a regular
 * expression over them needs no dependency and no class-file scan.
 */
class WorkerLayeringTest {

    /** Used by the packages that wire everything: any worker package. */
    private static final Set<String> ANY = Set.of("*");

    /**
     * What each package may use. The RTMP stack is handshake → chunk → message (+ amf) → session,
     * each layer using only the ones right below it; {@code rtmp} holds what every layer throws,
     * {@code net} what every connection has. Entries naming a class allow that class alone.
     */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            // What every connection has (state, byte counting, limits, the write sink): the bottom.
            entry("net", Set.of()),
            // Codec inspection and FLV files: knows no stream and no protocol above FLV.
            entry("media", Set.of()),
            // The process's event counters for metrics: a leaf any layer may bump where an event happens.
            entry("stats", Set.of()),
            // Live streams, fan-out, GOP cache, frames and their encodings: no protocol.
            entry("stream", Set.of("media", "stats")),
            // Event loops, streams, connections, limits; listeners plug in from above.
            entry("runtime", Set.of("net", "stream", "access", "stats")),
            // Who may connect, publish and play (apps, rules, signed URLs, hooks): no protocol.
            entry("access", Set.of("net")),
            entry("rtmp", Set.of()),
            entry("rtmp.amf", Set.of()),
            entry("rtmp.handshake", Set.of("net", "stats")),
            entry("rtmp.chunk", Set.of("rtmp", "net")),
            entry("rtmp.message", Set.of("rtmp", "rtmp.amf", "rtmp.chunk", "net")),
            // The server side of a NetConnection: messages in, streams out; never chunks or handshakes.
            entry("rtmp.session", Set.of("rtmp", "rtmp.amf", "rtmp.message", "net", "stream", "access", "stats")),
            // The client builds its own pipeline: its whole stack, and no server session.
            entry("rtmp.client", Set.of("rtmp", "rtmp.amf", "rtmp.handshake", "rtmp.chunk", "rtmp.message", "net")),
            // The server's entry: builds pipelines from every layer and plugs into the runtime.
            entry("rtmp.server", Set.of("rtmp", "rtmp.amf", "rtmp.handshake", "rtmp.chunk", "rtmp.message",
                    "rtmp.session", "net", "runtime", "stream", "access")),
            // FLV tags for any transport and the FLV player: a subscriber of the stream layer.
            entry("http.flv", Set.of("media", "net", "stream")),
            // Fragmented MP4 for HLS: frames in, boxes out; no playlist, file or HTTP.
            entry("hls.fmp4", Set.of("media", "stream")),
            // The HTTP listener: Netty's HTTP and WebSocket codecs, routing, and FLV players.
            entry("http", Set.of("http.flv", "hls.HlsLayout", "hls.BlockingReload", "hls.DeltaUpdate", "net", "runtime", "stream", "access", "stats")),
            // Relays play with the RTMP client and publish as a publishing session does.
            entry("relay", Set.of("rtmp.client", "rtmp.message", "rtmp.session.RtmpIngest", "stream")),
            // The MPEG-TS muxer of HLS: FLV payloads in, transport packets out; no stream, no file.
            entry("hls.ts", Set.of("media")),
            // HLS: a segmenter per published stream (a subscriber), the files and playlists on disk.
            entry("hls", Set.of("hls.ts", "hls.fmp4", "media", "runtime", "stream")),
            // The worker end of the channel: talks to the runtime and the relays below it, never up.
            entry("channel", Set.of("relay", "runtime", "stream", "access")),
            // WorkerMain and WarmUp wire the rest.
            entry("", ANY));

    private static final Pattern WORKER_REFERENCE = Pattern.compile(
            "\\bio\\.sluice\\.worker((?:\\.[a-z][a-z0-9]*)*)\\.([A-Z]\\w*)");
    /** A package's classes imported without names ({@code import static ...Markers.*} names its class). */
    private static final Pattern WILDCARD = Pattern.compile("import\\s+io\\.sluice\\.worker[\\w.]*\\.\\*");
    private static final Pattern PACKAGE = Pattern.compile("^package io\\.sluice\\.worker((?:\\.[a-z][a-z0-9]*)*);",
            Pattern.MULTILINE);

    @Test
    void workerPackagesUseOnlyWhatTheirLayerMay() throws IOException {
        List<String> violations = new ArrayList<>();
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java", "io", "sluice", "worker"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = Files.readString(f);
                packages.add(packageOf(source));
                violations.addAll(violations(f.getFileName().toString(), source));
            }
        }
        assertEquals(List.of(), violations);
        assertTrue(packages.containsAll(Set.of("net", "stream", "runtime", "rtmp.session", "rtmp.chunk", "channel")),
                "the sources were found: " + packages);
    }

    @Test
    void theRuleCatchesASkipAnUnknownPackageAndTheMaster() {
        assertEquals(List.of("ChunkDecoder.java: rtmp.chunk may not use rtmp.session.SessionHandler"),
                violations("ChunkDecoder.java", "package io.sluice.worker.rtmp.chunk;\n"
                        + "import io.sluice.worker.rtmp.session.SessionHandler;\n"));
        assertEquals(List.of("Relay.java: relay may not use rtmp.session.PlaySession"),
                violations("Relay.java", "package io.sluice.worker.relay;\n"
                        + "/** {@link io.sluice.worker.rtmp.session.PlaySession} */\n"
                        + "import io.sluice.worker.rtmp.session.RtmpIngest;\n"));
        assertEquals(List.of("Recorder.java: package record has no rule in WorkerLayeringTest.ALLOWED: add one"),
                violations("Recorder.java", "package io.sluice.worker.record;\n"));
        assertEquals(List.of("X.java: the worker may not use the master (io.sluice.master)"),
                violations("X.java", "package io.sluice.worker.stream;\nimport io.sluice.master.Master;\n"));
        assertEquals(List.of("Y.java: wildcard import of worker classes (the rule needs names)"),
                violations("Y.java", "package io.sluice.worker.stream;\nimport io.sluice.worker.media.*;\n"));
        assertEquals(List.of(), violations("S.java", "package io.sluice.worker.rtmp.session;\n"
                + "import io.sluice.worker.rtmp.message.CommandMessage;\nimport io.sluice.worker.stream.LiveStream;\n"
                + "import static io.sluice.worker.rtmp.session.Status.PLAY_START;\n"
                + "import static io.sluice.worker.rtmp.amf.Amf0Markers.*;\n"));
    }

    /** The rule broken by one source file, one line each. */
    static List<String> violations(String file, String source) {
        String from = packageOf(source);
        Set<String> allowed = ALLOWED.get(from);
        if (allowed == null) {
            return List.of(file + ": package " + from + " has no rule in WorkerLayeringTest.ALLOWED: add one");
        }
        List<String> out = new ArrayList<>();
        if (source.contains("io.sluice.master")) {
            out.add(file + ": the worker may not use the master (io.sluice.master)");
        }
        if (WILDCARD.matcher(source).find()) {
            out.add(file + ": wildcard import of worker classes (the rule needs names)");
        }
        Set<String> seen = new TreeSet<>();
        Matcher m = WORKER_REFERENCE.matcher(source);
        while (m.find()) {
            String to = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
            String type = (to.isEmpty() ? "" : to + ".") + m.group(2);
            if (to.equals(from) || allowed.contains("*") || allowed.contains(to) || allowed.contains(type)) {
                continue;
            }
            if (seen.add(type)) {
                out.add(file + ": " + (from.isEmpty() ? "(root)" : from) + " may not use " + type);
            }
        }
        return out;
    }

    private static String packageOf(String source) {
        Matcher m = PACKAGE.matcher(source);
        if (!m.find()) {
            throw new IllegalArgumentException("no worker package declaration");
        }
        return m.group(1).isEmpty() ? "" : m.group(1).substring(1);
    }
}
