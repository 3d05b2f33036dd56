package io.amdb.node.http;

import io.amdb.node.AmDbNode;
import io.amdb.node.config.NodeConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process node on free loopback ports (protocol and HTTP) for the HTTP/WebSocket tests, with a JDK HTTP
 * client aimed at it. Either {@link #start} one (close it to stop the node), or share one across a test class
 * with {@code @RegisterExtension static final HttpTestNode db = HttpTestNode.perClass(config)}.
 */
final class HttpTestNode implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** HTTP/1.1 like curl and browsers: the JDK client would otherwise try an h2c upgrade. */
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    private final NodeConfig config;
    AmDbNode node;

    private HttpTestNode(NodeConfig config) {
        this.config = config;
    }

    /** A node started before the class's tests and stopped after them. */
    static HttpTestNode perClass(NodeConfig config) {
        return new HttpTestNode(config);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        node = AmDbNode.start(config).await(30, TimeUnit.SECONDS);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    static NodeConfig config() {
        return NodeConfig.defaults().withPort(0).withShards(2);
    }

    static HttpTestNode start() throws Exception {
        return start(config());
    }

    static HttpTestNode start(NodeConfig config) throws Exception {
        HttpTestNode db = new HttpTestNode(config);
        db.beforeAll(null);
        return db;
    }

    String base() {
        return "http://127.0.0.1:" + node.httpPort();
    }

    URI uri(String pathAndQuery) {
        return URI.create(base() + pathAndQuery);
    }

    HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return bounded(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return bounded(b, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String pathAndQuery, byte[] body) throws Exception {
        return bounded(HttpRequest.newBuilder(uri(pathAndQuery)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends any request (a method and headers of the caller's choosing); the body as text. */
    HttpResponse<String> text(HttpRequest.Builder request) throws Exception {
        return bounded(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
        return bounded(HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofString(body)),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The JDK's request timeout ends at the response headers; this bounds the body too (a hang guard). */
    private <T> HttpResponse<T> bounded(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) throws Exception {
        return client.sendAsync(request.timeout(TIMEOUT).build(), body).get(2 * TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Sends {@code head} (request line and headers, without the final blank line) on a raw socket and returns
     * the status line: for requests the JDK client refuses to send (bad escapes, hand-made handshakes).
     */
    String rawStatusLine(String head) throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.httpPort())) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            s.getOutputStream().write((head + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
        }
    }

    @Override
    public void close() throws Exception {
        if (node != null) {
            node.stop().await(30, TimeUnit.SECONDS);
        }
    }
}
