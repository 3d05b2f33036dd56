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

/**
 * An in-process node on free loopback ports (protocol and HTTP) for the HTTP/WebSocket tests, with a JDK HTTP
 * client aimed at it. Close it to stop the node.
 */
final class HttpTestNode implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final AmDbNode node;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private HttpTestNode(AmDbNode node) {
        this.node = node;
    }

    static NodeConfig config() {
        return NodeConfig.defaults().withPort(0).withShards(2);
    }

    static HttpTestNode start() throws Exception {
        return start(config());
    }

    static HttpTestNode start(NodeConfig config) throws Exception {
        return new HttpTestNode(AmDbNode.start(config).await(30, TimeUnit.SECONDS));
    }

    String base() {
        return "http://127.0.0.1:" + node.httpPort();
    }

    URI uri(String pathAndQuery) {
        return URI.create(base() + pathAndQuery);
    }

    HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String pathAndQuery, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
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
        node.stop().await(30, TimeUnit.SECONDS);
    }
}
