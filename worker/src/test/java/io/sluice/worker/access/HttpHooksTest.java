package io.sluice.worker.access;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JDK client against a raw socket that answers exactly what each test writes. */
@Timeout(20)
class HttpHooksTest {

    private final HttpHooks hooks = new HttpHooks(Duration.ofSeconds(2));
    private ServerSocket server;

    @AfterEach
    void close() throws IOException {
        hooks.close();
        if (server != null) {
            server.close();
        }
    }

    /** Accepts one connection, reads the request head and body, then writes {@code answer} (null: nothing). */
    private CompletableFuture<String> backend(String answer) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<String> request = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                StringBuilder text = new StringBuilder();
                int length = -1;
                while (!text.toString().endsWith("\r\n\r\n")) {
                    text.append((char) in.read());
                }
                for (String line : text.toString().split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                text.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                request.complete(text.toString());
                if (answer != null) {
                    s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } else {
                    in.read(); // hang until the client gives up
                }
            } catch (IOException e) {
                request.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return request;
    }

    private String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/on_publish";
    }

    @Test
    void postsTheFormAndReadsARedirect() throws Exception {
        CompletableFuture<String> request = backend("HTTP/1.1 302 Found\r\nLocation: public\r\nContent-Length: 0\r\n\r\n");
        Hooks.Answer a = hooks.post(url(), Map.of("call", "publish"), Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS);
        assertEquals(new Hooks.Answer(302, "public"), a);
        String sent = request.get(5, TimeUnit.SECONDS);
        assertTrue(sent.startsWith("POST /on_publish HTTP/1.1\r\n"), sent);
        assertTrue(sent.toLowerCase().contains("content-type: application/x-www-form-urlencoded"), sent);
        assertTrue(sent.endsWith("\r\n\r\ncall=publish"), sent);
    }

    @Test
    void garbageIsAFailureNotAnAnswer() throws Exception {
        backend("garbage\r\n\r\n");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> hooks.post(url(), Map.of(), Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void silenceTimesOut() throws Exception {
        backend(null);
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> hooks.post(url(), Map.of(), Duration.ofMillis(300)).get(5, TimeUnit.SECONDS));
        assertInstanceOf(HttpTimeoutException.class, e.getCause());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
    }
}
