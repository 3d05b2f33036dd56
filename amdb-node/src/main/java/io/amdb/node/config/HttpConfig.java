package io.amdb.node.config;

import java.util.List;

/**
 * The HTTP/WebSocket front end's settings.
 *
 * @param port           HTTP port; 0 = any free port, {@link #DISABLED} = no HTTP listener
 * @param authToken      the bearer token every /v1 call, /metrics and the WebSocket handshake must carry;
 *                       null = no token required
 * @param allowedOrigins browser origins allowed to call the API and open WebSockets ({@code scheme://host:port});
 *                       empty = the node's own origins only ({@code http://127.0.0.1:<port>},
 *                       {@code http://localhost:<port>} and {@code http://<host>:<port>})
 */
public record HttpConfig(int port, String authToken, List<String> allowedOrigins) {
    public static final int DISABLED = -1;
    public static final int DEFAULT_PORT = 8080;
    public static final HttpConfig OFF = new HttpConfig(DISABLED, null, List.of());

    public HttpConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        if (authToken != null && authToken.isEmpty()) {
            authToken = null;
        }
    }

    public boolean enabled() {
        return port != DISABLED;
    }

    public HttpConfig withPort(int newPort) {
        return new HttpConfig(newPort, authToken, allowedOrigins);
    }

    public HttpConfig withAuthToken(String token) {
        return new HttpConfig(port, token, allowedOrigins);
    }

    public HttpConfig withAllowedOrigins(List<String> origins) {
        return new HttpConfig(port, authToken, origins);
    }

    /** Hides the token, so the config can be logged. */
    @Override
    public String toString() {
        return "HttpConfig[port=" + port + ", authToken=" + (authToken == null ? "none" : "***")
                + ", allowedOrigins=" + allowedOrigins + "]";
    }
}
