package io.amdb.jdbc;

import io.amdb.protocol.Wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed {@code jdbc:amdb://host1[:port][,host2[:port]…][/][?key=value[&|;key=value…]]} URL: the hosts in
 * the order connect tries them, and the query parameters. Immutable.
 *
 * <p>Parsing is pure syntax: no DNS lookup, no I/O (names are resolved when connecting, so a URL parsed
 * once keeps following DNS). IPv6 literals must be bracketed ({@code [::1]:7070}); the port defaults to
 * {@link Wire#DEFAULT_PORT}. Parameter keys and values are percent-decoded; keys are kept lower-cased so
 * lookups ignore case. Error messages never echo parameter values, which may hold a password.
 *
 * @param hosts  at least one, in URL order
 * @param params lower-cased keys to decoded values, in URL order
 */
record JdbcUrl(List<HostPort> hosts, Map<String, String> params) {
    static final String PREFIX = "jdbc:amdb://";

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?");

    /** One node address. {@link #toString()} brackets IPv6 hosts, so it reads back as URL syntax. */
    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** True for any URL with AmDb's prefix, well-formed or not: the driver owns it and reports its errors. */
    static boolean accepts(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    /** Parses an AmDb URL; requires {@link #accepts}. Throws 08001 naming what is wrong. */
    static JdbcUrl parse(String url) throws SQLException {
        String rest = url.substring(PREFIX.length());
        int q = rest.indexOf('?');
        String query = q < 0 ? "" : rest.substring(q + 1);
        String authority = q < 0 ? rest : rest.substring(0, q);
        int slash = authority.indexOf('/');
        if (slash >= 0) {
            if (slash != authority.length() - 1) {
                throw invalid("a path ('" + authority.substring(slash) + "') is not supported; AmDb has no namespaces yet");
            }
            authority = authority.substring(0, slash);
        }
        if (authority.isEmpty()) {
            throw invalid("no host; expected jdbc:amdb://host[:port][,host[:port]…]");
        }
        List<HostPort> hosts = new ArrayList<>();
        for (String spec : authority.split(",", -1)) {
            hosts.add(hostPort(spec));
        }
        return new JdbcUrl(List.copyOf(hosts), Collections.unmodifiableMap(params(query)));
    }

    private static HostPort hostPort(String spec) throws SQLException {
        String host;
        String port = null;
        if (spec.startsWith("[")) {
            int close = spec.indexOf(']');
            if (close < 0) {
                throw invalid("unclosed '[' in host '" + spec + "'");
            }
            host = spec.substring(1, close);
            String after = spec.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw invalid("unexpected '" + after + "' after ']' in host '" + spec + "'");
            }
            port = after.isEmpty() ? null : after.substring(1);
            if (!IPV6.matcher(host).matches() || host.indexOf(':') < 0) {
                throw invalid("'" + host + "' in brackets is not an IPv6 address");
            }
        } else {
            int colon = spec.indexOf(':');
            if (colon >= 0 && spec.indexOf(':', colon + 1) >= 0) {
                throw invalid("IPv6 addresses must be in brackets, e.g. [::1]:7070; got '" + spec + "'");
            }
            host = colon < 0 ? spec : spec.substring(0, colon);
            port = colon < 0 ? null : spec.substring(colon + 1);
            if (!HOST_NAME.matcher(host).matches()) {
                throw invalid(host.isEmpty() ? "empty host in '" + spec + "'" : "invalid host '" + host + "'");
            }
        }
        return new HostPort(host, port == null ? Wire.DEFAULT_PORT : port(port, spec));
    }

    private static int port(String text, String spec) throws SQLException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535 && text.chars().allMatch(Character::isDigit)) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid("port must be a number from 1 to 65535 in '" + spec + "'");
    }

    private static Map<String, String> params(String query) throws SQLException {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("[&;]")) {
            if (pair.isEmpty()) {
                continue; // "?a=1&&b=2" or a trailing separator
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw invalid("parameter '" + pair + "' is not key=value");
            }
            String key = decode(pair.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (params.put(key, decode(pair.substring(eq + 1))) != null) {
                throw invalid("parameter '" + key + "' appears twice");
            }
        }
        return params;
    }

    /** Percent-decoding as in RFC 3986 ('+' stays '+'); bytes are UTF-8. */
    private static String decode(String s) throws SQLException {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] in = s.getBytes(StandardCharsets.UTF_8); // '%' never occurs inside a multi-byte UTF-8 sequence
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '%') {
                out.write(in[i]);
                continue;
            }
            int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
            if (lo < 0) {
                throw invalid("bad percent-escape in a parameter");
            }
            out.write(hi * 16 + lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static SQLException invalid(String reason) {
        return SqlErrors.cannotConnect("invalid AmDb URL: " + reason, null);
    }
}
