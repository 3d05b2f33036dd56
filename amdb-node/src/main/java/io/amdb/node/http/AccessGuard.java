package io.amdb.node.http;

import io.amdb.node.config.HttpConfig;
import io.amdb.protocol.ErrorCode;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who may call the API (docs/HTTP.md, "Security"). Two checks, Origin first:
 * <ol>
 *   <li><b>Origin</b>: a request that carries an {@code Origin} header (every browser WebSocket handshake and
 *   cross-site call does) must name an allowed origin, else FORBIDDEN (403). Requests without one (curl,
 *   programs) pass: the check stops other web pages from using a browser as a proxy (cross-site WebSocket
 *   hijacking), it is not authentication.</li>
 *   <li><b>Token</b>: with {@code --auth-token} set, the call must carry {@code Authorization: Bearer <token>};
 *   WebSocket handshakes may instead use {@code ?token=} because browsers cannot set headers on them.
 *   Otherwise UNAUTHORIZED (401). Compared in constant time.</li>
 * </ol>
 * A node bound to loopback also checks the {@code Host} header against its own names (DNS rebinding).
 * Immutable once {@link #bind bound} to the port; thread-safe.
 */
final class AccessGuard {
    private final HttpConfig config;
    private final String host;
    private volatile Set<String> allowed = Set.of();
    private volatile Set<String> hosts = null; // null: any Host header (the node listens beyond loopback)

    AccessGuard(HttpConfig config, String host) {
        this.config = config;
        this.host = host;
    }

    /** Fixes the default allowlist once the actual port is known (port 0 resolves at listen). */
    void bind(int port) {
        String self = (host.contains(":") ? "[" + host + "]" : host) + ":" + port; // IPv6 literals in brackets
        Set<String> origins = new LinkedHashSet<>(config.allowedOrigins());
        if (origins.isEmpty()) {
            origins.add("http://127.0.0.1:" + port);
            origins.add("http://localhost:" + port);
            origins.add("http://" + self);
        }
        allowed = Set.copyOf(origins);
        if (isLoopback(host)) {
            // DNS rebinding: a page whose name now resolves to 127.0.0.1 sends same-origin requests without an
            // Origin header, but with its own name in Host. A loopback node answers only its own names.
            Set<String> names = new LinkedHashSet<>(java.util.List.of("127.0.0.1:" + port, "localhost:" + port,
                    "[::1]:" + port, self, "127.0.0.1", "localhost", "[::1]", self.substring(0, self.lastIndexOf(':'))));
            // (a Host header may omit the port)
            for (String origin : origins) {
                names.add(origin.substring(origin.indexOf("://") + 3));
            }
            hosts = Set.copyOf(names);
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** Returns OK, FORBIDDEN or UNAUTHORIZED for a request with these headers and (raw) query string. */
    ErrorCode check(MultiMap headers, String rawQuery, boolean queryTokenAllowed) {
        String origin = headers.get("Origin");
        if (origin != null && !allowed.contains(origin)) {
            return ErrorCode.FORBIDDEN;
        }
        Set<String> names = hosts;
        String hostHeader = headers.get("Host");
        if (names != null && hostHeader != null && !names.contains(hostHeader.toLowerCase(java.util.Locale.ROOT))) {
            return ErrorCode.FORBIDDEN;
        }
        if (config.authToken() == null) {
            return ErrorCode.OK;
        }
        String auth = headers.get("Authorization");
        String presented = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim() : null;
        if (presented == null && queryTokenAllowed) {
            try {
                byte[] q = UrlBytes.query(rawQuery).get("token");
                presented = q == null ? null : new String(q, StandardCharsets.UTF_8);
            } catch (ApiException malformed) { // e.g. ?token=% : no token was presented
                presented = null;
            }
        }
        return presented != null && sameToken(presented) ? ErrorCode.OK : ErrorCode.UNAUTHORIZED;
    }

    /** The message that goes with a refusal. */
    static String reason(ErrorCode code) {
        return code == ErrorCode.FORBIDDEN
                ? "this Origin (or Host) is not allowed; start the node with --http-allowed-origins to allow it"
                : "missing or wrong auth token: send 'Authorization: Bearer <token>' (WebSocket: or ?token=)";
    }

    private boolean sameToken(String presented) {
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                config.authToken().getBytes(StandardCharsets.UTF_8));
    }
}
