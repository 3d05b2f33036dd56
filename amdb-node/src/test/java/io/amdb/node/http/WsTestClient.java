package io.amdb.node.http;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client for protocol tests: sends JSON text, queues every message received, in order. */
final class WsTestClient implements AutoCloseable {
    private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    private final WebSocket socket;
    private volatile Integer closeCode;

    private WsTestClient(HttpClient client, URI uri, String... headers) throws Exception {
        WebSocket.Builder b = client.newWebSocketBuilder();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        socket = b.buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** Connects to the node's /v1/ws (with {@code query}, e.g. "?token=t", and extra headers as name, value). */
    static WsTestClient connect(HttpTestNode db, String query, String... headers) throws Exception {
        return new WsTestClient(db.client, URI.create("ws://127.0.0.1:" + db.node.httpPort() + "/v1/ws" + query), headers);
    }

    void send(JsonObject message) {
        sendText(message.encode());
    }

    void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /** The next message, waiting at most 10 s (a hang guard, not a timing assertion). */
    JsonObject next() throws InterruptedException {
        JsonObject m = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, "no message within 10 s");
        return m;
    }

    /** The next message if one has arrived within 50 ms, else null (for polling loops with their own bound). */
    JsonObject poll() throws InterruptedException {
        return received.poll(50, TimeUnit.MILLISECONDS);
    }

    /** Sends a request and returns the next message, which must be its reply. */
    JsonObject call(JsonObject request) throws InterruptedException {
        send(request);
        return next();
    }

    Integer closeCode() {
        return closeCode;
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(new JsonObject(partial.toString()));
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode = statusCode;
            return null;
        }
    }
}
