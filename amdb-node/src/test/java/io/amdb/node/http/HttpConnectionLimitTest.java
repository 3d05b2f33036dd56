package io.amdb.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** max-connections bounds HTTP/WebSocket connections too: one more is closed at once, a freed slot is reused. */
class HttpConnectionLimitTest {
    @Test
    void connectionsBeyondTheLimit_areClosed_andAFreedSlotIsReused() throws Exception {
        try (HttpTestNode db = HttpTestNode.start(HttpTestNode.config().withMaxConnections(2))) {
            int port = db.node.httpPort();
            try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port)) {
                assertEquals("HTTP/1.1 200 OK", ask(a), "first connection served");
                assertEquals("HTTP/1.1 200 OK", ask(b), "second connection served");
                try (Socket c = new Socket("127.0.0.1", port)) {
                    assertEquals(null, askOrNull(c), "a third is closed without an answer");
                }
                a.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String status = null;
            while (status == null && System.nanoTime() < deadline) { // the closes are noticed asynchronously
                try (Socket d = new Socket("127.0.0.1", port)) {
                    status = askOrNull(d);
                }
                if (status == null) {
                    TimeUnit.MILLISECONDS.sleep(20); // polling interval, bounded by the deadline
                }
            }
            assertTrue("HTTP/1.1 200 OK".equals(status), "a freed slot is reused: " + status);
        }
    }

    /** One keep-alive request on the socket; the status line. */
    private static String ask(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
    }

    private static String askOrNull(Socket s) {
        try {
            return ask(s);
        } catch (IOException closed) {
            return null;
        }
    }
}
