package io.amdb.node.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * A watcher that stops reading is disconnected with SLOW_CONSUMER once its bounded buffer fills: the node's
 * memory stays bounded and the watcher learns it missed events (docs/WEBSOCKET.md, "Delivery contract").
 */
class WatchSlowConsumerTest {
    @Test
    void watch_readerThatStopsReading_isClosedWithSlowConsumer_andTheNodeKeepsServing() throws Exception {
        try (HttpTestNode db = HttpTestNode.start(HttpTestNode.config().withLimits(WebSocketTest.SMALL));
             Socket stalled = new Socket();
             WsTestClient writer = WsTestClient.connect(db, "")) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", db.node.httpPort()), 10_000);
            stalled.setSoTimeout(10_000);
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(ISO_8859_1));
            out.flush();
            assertTrue(readUntil(stalled.getInputStream(), "\r\n\r\n").contains("101 Switching Protocols"));
            out.write(maskedTextFrame("{\"id\":\"slow\",\"op\":\"watch\",\"prefix\":\"slow:\"}"));
            out.flush();
            readUntil(stalled.getInputStream(), "\"watch\":\"w1\""); // the watch is registered

            String value = "v".repeat(1000);
            boolean closed = false;
            for (int round = 0; round < 800 && !closed; round++) { // at most ~40 MB of events: a hang guard
                JsonArray items = new JsonArray();
                for (int i = 0; i < 50; i++) { // 50 x 1 KB: under the small message limit
                    items.add(new JsonObject().put("op", "put").put("key", "slow:" + i).put("value", value));
                }
                assertTrue(writer.call(new JsonObject().put("id", round).put("op", "batch").put("items", items)).getBoolean("ok"));
                closed = round % 10 == 9 && db.get("/metrics").body().contains("amdb_watch_slow_consumers_total 1.0");
            }
            assertTrue(closed, "the stalled watcher was never disconnected");
            assertTrue(readUntil(stalled.getInputStream(), "SLOW_CONSUMER").contains("SLOW_CONSUMER"));
            assertEquals("pong", writer.call(new JsonObject().put("id", "p").put("op", "ping")).getString("result"));
            assertTrue(db.get("/metrics").body().contains("amdb_watches 0.0"), "the watch was removed");
        }
    }

    /** A client frame (clients must mask; a zero mask leaves the payload as is). Payloads under 126 bytes. */
    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(UTF_8);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x81);
        f.write(0x80 | payload.length);
        f.writeBytes(new byte[4]);
        f.writeBytes(payload);
        return f.toByteArray();
    }

    /** Reads until {@code marker} appears or the stream ends; returns what was read (as Latin-1). */
    private static String readUntil(InputStream in, String marker) throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) > 0) {
            seen.write(buf, 0, n);
            String tail = seen.toString(ISO_8859_1);
            if (tail.contains(marker)) {
                return tail;
            }
        }
        return seen.toString(ISO_8859_1);
    }
}
