package io.sluice.master.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * HTTP-FLV across workers: with two workers, an HTTP player that lands on the worker that does
 * not own the stream is served through the usual relay; what it receives starts with a key frame
 * and ffmpeg decodes it; {@code bin/ctl clients / streams / workers} show it as http-flv, and
 * {@code bin/ctl kick} disconnects it.
 */
@Timeout(180)
class HttpFlvClusterIT {

    @Test
    void aPlayerOnTheOtherWorkerIsServedThroughTheRelayAndShownAsHttpFlv(@TempDir Path dir) throws Exception {
        Ffmpeg.ffmpeg();
        try (Processes processes = new Processes(); SluiceServer s = SluiceServer.start(dir, "workers: 2\n")) {
            List<String> publish = TestMedia.publishCommand(90, "rtmp://127.0.0.1:" + s.port() + "/live/it");
            processes.start(dir.resolve("publisher.log"), publish);
            s.awaitLog("publish started", 30);
            long owner = ownerPid(s);

            try (Socket player = s.connectAvoiding(s.httpPort(), owner)) {
                player.setSoTimeout(10_000);
                player.getOutputStream().write("GET /live/it.flv HTTP/1.1\r\nHost: sluice\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                DataInputStream in = new DataInputStream(player.getInputStream());
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
                assertTrue(head.contains("content-type: video/x-flv"), head);

                ByteArrayOutputStream flv = new ByteArrayOutputStream();
                readFlv(in, flv, 10);
                String clients = s.ctl("clients").out();
                assertTrue(clients.lines().anyMatch(l -> l.contains("http-flv") && l.contains("player")
                        && l.contains("live/it")), clients);
                String streams = s.ctl("streams").out();
                assertTrue(streams.contains("http-flv 1"), streams);
                String workers = s.ctl("workers").out();
                assertTrue(workers.contains("http-flv 1"), workers);
                assertTrue(s.ctl("where", "live/it").out().contains("relayed by worker(s)"), "a relay serves it");

                readFlv(in, flv, 60);
                byte[] body = flv.toByteArray();
                assertEquals("FLV", new String(body, 0, 3, StandardCharsets.US_ASCII));
                assertEquals(0x05, body[4], "audio and video announced");
                assertTrue(firstCodedVideoIsKeyframe(body), "the first coded video frame is a key frame");
                Path file = dir.resolve("through-relay.flv");
                Files.write(file, body);
                Path log = dir.resolve("decode.log");
                int exit = processes.run(log, Duration.ofSeconds(60), List.of(Ffmpeg.ffmpeg(), "-nostdin",
                        "-hide_banner", "-i", file.toString(), "-frames:v", "30", "-f", "null", "-"));
                assertEquals(0, exit, Processes.tail(log, 30));
                assertTrue(Files.readString(log).matches("(?s).*frame=\\s*30\\b.*"), Processes.tail(log, 5));

                String id = httpFlvClientId(s);
                SluiceServer.Result kick = s.ctl("kick", id);
                assertEquals(0, kick.exitCode(), kick.err());
                assertTrue(endsSoon(in), "the kicked HTTP player is disconnected");
            }
        }
    }

    private static long ownerPid(SluiceServer s) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Pattern p = Pattern.compile("published on worker \\d+ \\(pid (\\d+)\\)");
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(s.ctl("where", "live/it").out());
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
            Thread.sleep(100);
        }
        fail("live/it is not published");
        return -1;
    }

    private static String readHead(DataInputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads chunks into {@code flv} until it holds at least {@code videoTags} video tags. */
    private static void readFlv(DataInputStream in, ByteArrayOutputStream flv, int videoTags) throws IOException {
        while (countVideoTags(flv.toByteArray()) < videoTags) {
            String size = readLine(in);
            int n = Integer.parseInt(size, 16);
            byte[] chunk = new byte[n];
            in.readFully(chunk);
            flv.write(chunk);
            assertEquals("", readLine(in), "CRLF after a chunk");
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.readUnsignedByte()) != '\r') {
            line.append((char) c);
        }
        assertEquals('\n', in.readUnsignedByte());
        return line.toString();
    }

    private static int countVideoTags(byte[] flv) {
        int count = 0;
        for (int i = 13; i + 11 <= flv.length; ) {
            int size = ((flv[i + 1] & 0xff) << 16) | ((flv[i + 2] & 0xff) << 8) | (flv[i + 3] & 0xff);
            if (flv[i] == 9) {
                count++;
            }
            i += 15 + size;
        }
        return count;
    }

    private static boolean firstCodedVideoIsKeyframe(byte[] flv) {
        for (int i = 13; i + 13 <= flv.length; ) {
            int size = ((flv[i + 1] & 0xff) << 16) | ((flv[i + 2] & 0xff) << 8) | (flv[i + 3] & 0xff);
            if (flv[i] == 9 && flv[i + 12] == 1) { // AVC NALU, not the sequence header
                return (flv[i + 11] & 0xf0) == 0x10;
            }
            i += 15 + size;
        }
        return false;
    }

    private static String httpFlvClientId(SluiceServer s) throws Exception {
        JsonNode clients = new ObjectMapper().readTree(s.ctl("clients", "--json").out());
        for (JsonNode c : clients) {
            if ("http-flv".equals(c.path("protocol").asText())) {
                return c.path("id").asText();
            }
        }
        fail("no http-flv client: " + clients);
        return null;
    }

    /** True when the stream ends (EOF or reset) within 10 s. */
    private static boolean endsSoon(InputStream in) throws IOException {
        byte[] buf = new byte[65536];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }
}
