package io.amdb.protocol;

import java.nio.charset.StandardCharsets;

/**
 * A node as the partition table names it: its stable id and the address of its protocol listener, where
 * drivers send the requests for the partitions it owns.
 *
 * <p>Immutable. An id names a node across restarts; id, host and port together name one incarnation. The
 * table planner treats a known id at a new address as a restarted process whose data is gone.
 *
 * @param nodeId 1 to {@value #MAX_TEXT_BYTES} bytes of UTF-8, unique within a table
 * @param host   1 to {@value #MAX_TEXT_BYTES} bytes of UTF-8: a host name or a literal address
 * @param port   1 to 65535
 */
public record Member(String nodeId, String host, int port) {
    /** Longest id or host in UTF-8 bytes, so both always fit a wire {@code str} untruncated. */
    public static final int MAX_TEXT_BYTES = 255;

    public Member {
        requireText(nodeId, "nodeId");
        requireText(host, "host");
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
    }

    @Override
    public String toString() {
        return nodeId + "@" + host + ":" + port;
    }

    private static void requireText(String s, String name) {
        if (s == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        int bytes = s.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException(name + " must be 1-" + MAX_TEXT_BYTES + " UTF-8 bytes: '" + s + "'");
        }
    }
}
