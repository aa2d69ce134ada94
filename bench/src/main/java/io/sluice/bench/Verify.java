package io.sluice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.worker.media.FlvTag;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Checks the generator's counting against ffmpeg: players of the generator and one
 * {@code ffmpeg -i rtmp://... -c copy -f flv} all wait on a stream before it is published; the
 * publisher then sends the first {@code seconds} of an FLV file in real time and leaves. Each
 * player, ffmpeg's recording (read with ffprobe) and the file itself must show the same number
 * of video and audio frames and the same media bytes (ffmpeg's packets lack the FLV tag's
 * 5-byte AVC and 2-byte AAC headers, which are added back for the comparison).
 *
 * <pre>Verify --url rtmp://127.0.0.1:1935/live/check --flv FILE [--seconds 10] [--players 5] [--dir DIR]</pre>
 */
public final class Verify {

    /** Frame and byte counts of one receiver (or of the file). */
    public record Counts(String who, long videoFrames, long audioFrames, long videoBytes, long audioBytes) {
        boolean sameAs(Counts o) {
            return videoFrames == o.videoFrames && audioFrames == o.audioFrames && videoBytes == o.videoBytes
                    && audioBytes == o.audioBytes;
        }
    }

    /** The outcome: what the file holds, what each receiver got, and whether all agree. */
    public record Report(String url, double seconds, Counts expected, Counts ffmpeg, List<Counts> players,
                         boolean pass, String problem) {
    }

    private Verify() {
    }

    public static void main(String[] args) throws Exception {
        // sluice-common's jar carries the server's logback.xml; the generator logs warnings to stderr.
        System.setProperty("logback.configurationFile",
                System.getProperty("logback.configurationFile", "bench-logback.xml"));
        URI url = null;
        Path flv = null;
        double seconds = 10;
        int players = 5;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = URI.create(args[i + 1]);
                case "--flv" -> flv = Path.of(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--players" -> players = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> {
                    System.err.println("Verify: unknown option " + args[i]);
                    System.exit(64);
                }
            }
        }
        if (url == null || flv == null) {
            System.err.println("usage: Verify --url rtmp://HOST:PORT/APP/STREAM --flv FILE [--seconds S] [--players N] [--dir DIR]");
            System.exit(64);
        }
        Report r = check(url, flv, seconds, players, dir);
        System.out.println(new ObjectMapper().writeValueAsString(r));
        System.exit(r.pass() ? 0 : 1);
    }

    public static Report check(URI url, Path flv, double seconds, int playerCount, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path recording = dir.resolve("verify-ffmpeg.flv");
        Files.deleteIfExists(recording);
        Options o = Options.parse(new String[] {"--url", url.toString(), "--flv", flv.toString()});
        long limit = (long) (seconds * 1000);
        SendClock clock = new SendClock();
        LoadGenerator.Measuring measuring = new LoadGenerator.Measuring();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Process ffmpeg = null;
        List<Player> players = new ArrayList<>();
        Publisher publisher = null;
        try {
            ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
                    "-rw_timeout", "30000000", "-i", url.toString(), "-c", "copy", "-f", "flv", recording.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("verify-ffmpeg.log").toFile()).start();
            List<CompletableFuture<Player>> started = new ArrayList<>();
            for (int i = 0; i < playerCount; i++) {
                Player p = new Player(clock, measuring, false);
                players.add(p);
                started.add(p.start(group, o.address(), o.app(), o.stream(), 262144));
            }
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            for (Player p : players) {
                if (p.failed) {
                    return new Report(url.toString(), seconds, null, null, List.of(), false,
                            "a player failed to start: " + p.failure);
                }
            }
            // ffmpeg starts slowly on a loaded machine: wait until it holds a connection to the
            // server, then give it time for connect, createStream and play.
            awaitConnection(ffmpeg.pid(), o.address().getPort(), 20_000);
            Thread.sleep(3000);
            if (!ffmpeg.isAlive()) {
                return new Report(url.toString(), seconds, null, null, List.of(), false,
                        "ffmpeg exited early: " + Files.readString(dir.resolve("verify-ffmpeg.log")));
            }
            publisher = new Publisher(flv, clock, limit);
            Counts expected = expected(publisher.tags(), limit);
            publisher.start(group, o.address(), o.app(), o.stream());
            publisher.finished().get((long) seconds + 30, TimeUnit.SECONDS);
            Thread.sleep(2500); // the last frames reach everyone
            // ffmpeg is stopped while the stream is still published: told of the unpublish first,
            // ffmpeg ends its input at once and drops what it had not demuxed yet (the last ~0.9 s
            // against nginx-rtmp). SIGTERM makes it finish the file with all it received.
            ffmpeg.destroy();
            ffmpeg.waitFor(15, TimeUnit.SECONDS);
            publisher.close();
            List<Counts> got = new ArrayList<>();
            for (int i = 0; i < players.size(); i++) {
                Player p = players.get(i);
                got.add(group.submit(() -> new Counts("player " + players.indexOf(p), p.videoFrames, p.audioFrames,
                        p.videoBytes, p.audioBytes)).get(5, TimeUnit.SECONDS));
            }
            Counts ff = ffprobe(recording);
            // The generator is right when its players agree with each other and with ffmpeg's
            // recording of the same stream; a server that drops frames makes both fall short of the
            // file alike. Where ffmpeg itself falls short (it lost the tail against nginx-rtmp) the
            // players must then equal the file.
            String problem = null;
            Counts first = got.get(0);
            for (Counts c : got) {
                if (!c.sameAs(first)) {
                    problem = c.who() + " differs from " + first.who();
                }
            }
            if (problem == null && !first.sameAs(ff) && !first.sameAs(expected)) {
                problem = "the players differ from ffmpeg's recording and from the file";
            }
            return new Report(url.toString(), seconds, expected, ff, got, problem == null, problem);
        } finally {
            for (Player p : players) {
                p.close();
            }
            if (publisher != null) {
                publisher.close();
            }
            if (ffmpeg != null && ffmpeg.isAlive()) {
                ffmpeg.destroyForcibly();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** Waits until process {@code pid} has an established TCP connection to {@code port} (from /proc). */
    static void awaitConnection(long pid, int port, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String remote = String.format(":%04X", port);
        while (System.currentTimeMillis() < deadline) {
            try {
                java.util.Set<String> inodes = new java.util.HashSet<>();
                try (var fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
                    for (Path fd : fds) {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    }
                }
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "tcp"))) {
                    String[] f = line.trim().split("\\s+");
                    // local_address rem_address st ... inode (field 9)
                    if (f.length > 9 && f[2].endsWith(remote) && f[3].equals("01") && inodes.contains(f[9])) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException notYet) {
                // process starting or gone; try again
            }
            Thread.sleep(100);
        }
    }

    /** What the publisher sends of the file below {@code limit} ms: coded frames, not configuration. */
    static Counts expected(List<FlvTag> tags, long limit) {
        long vf = 0;
        long af = 0;
        long vb = 0;
        long ab = 0;
        for (FlvTag t : tags) {
            if (t.unsignedTimestamp() >= limit) {
                break;
            }
            int len = t.payload().readableBytes();
            int b1 = len > 1 ? t.payload().getUnsignedByte(t.payload().readerIndex() + 1) : -1;
            if (t.type() == FlvTag.VIDEO && b1 != 0) {
                vf++;
                vb += len;
            } else if (t.type() == FlvTag.AUDIO && b1 != 0) {
                af++;
                ab += len;
            }
        }
        return new Counts("file", vf, af, vb, ab);
    }

    /** Packets of ffmpeg's recording, with the FLV AVC (5 bytes) and AAC (2 bytes) tag headers added back. */
    static Counts ffprobe(Path recording) throws IOException, InterruptedException {
        if (!Files.exists(recording)) {
            return new Counts("ffmpeg (no recording)", 0, 0, 0, 0);
        }
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "packet=codec_type,size",
                "-of", "csv=p=0", recording.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        long vf = 0;
        long af = 0;
        long vb = 0;
        long ab = 0;
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length < 2) {
                continue;
            }
            long size = Long.parseLong(f[1].trim());
            if (f[0].equals("video")) {
                vf++;
                vb += size + 5;
            } else if (f[0].equals("audio")) {
                af++;
                ab += size + 2;
            }
        }
        return new Counts("ffmpeg", vf, af, vb, ab);
    }
}
