package io.amdb.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A node address to bootstrap from: {@code host:port}, an IPv6 literal in brackets ({@code [::1]:7070}).
 * Immutable. The port may be left out ({@code host}, {@code [::1]}): it is then {@link #DEFAULT_PORT}.
 *
 * @param host a host name or a literal address, without brackets
 * @param port 1 to 65535
 */
record Seed(String host, int port) {
    /** The node's default protocol port. */
    static final int DEFAULT_PORT = 7070;

    Seed {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
    }

    /**
     * Parses {@code host[:port]} or {@code [ipv6][:port]}.
     *
     * @throws IllegalArgumentException naming the seed, for an empty host, a bad port, a bracket without
     *                                  its pair, or an IPv6 literal without brackets (ambiguous with a port)
     */
    static Seed parse(String text) {
        Objects.requireNonNull(text, "seed");
        String s = text.strip();
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw bad(text, "no closing ']'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(text, "expected ':port' after ']'");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
                throw bad(text, "an IPv6 address must be in brackets, as in [::1]:7070");
            }
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw bad(text, "empty host");
        }
        try {
            return new Seed(host, port == null ? DEFAULT_PORT : Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw bad(text, "port is not a number");
        } catch (IllegalArgumentException e) {
            throw bad(text, e.getMessage());
        }
    }

    /** Parses every seed; the list must not be empty. */
    static List<Seed> parseAll(List<String> seeds) {
        Objects.requireNonNull(seeds, "seeds");
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("no seed hosts given");
        }
        List<Seed> parsed = new ArrayList<>(seeds.size());
        for (String s : seeds) {
            parsed.add(parse(s));
        }
        return parsed;
    }

    /** {@code host:port}, with an IPv6 literal in brackets: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return label(host, port);
    }

    /** {@code host:port}, bracketing a host that contains ':' (an IPv6 literal). */
    static String label(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static IllegalArgumentException bad(String seed, String why) {
        return new IllegalArgumentException("bad seed '" + seed + "': " + why);
    }
}
