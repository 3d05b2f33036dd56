package io.amdb.client;

import io.amdb.protocol.Limits;
import io.amdb.protocol.Wire;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link AmDbClient}. Immutable; every component is validated on construction.
 *
 * @param connectionsPerNode TCP connections opened to each node (default 2). Requests are spread over them
 *                           by key hash, so requests on one key keep their order.
 * @param maxInFlight        most requests outstanding across the whole client (default 4096); further
 *                           callers wait for a permit (see {@link AmDbClient})
 * @param requestTimeout     longest a call may take, from the moment it is made (waiting for an in-flight
 *                           permit included) until its response; then it fails with TIMEOUT (default 30 s)
 * @param connectTimeout     longest a TCP connection may take to open, at connect time or when the client
 *                           connects to a member named by a new partition table; at connect time also the
 *                           longest a seed may take to answer TABLE before the next seed is tried (default 5 s)
 * @param maxFrameBytes      largest frame length field accepted in either direction; larger requests fail
 *                           with FRAME_TOO_LARGE before they are sent (default: the node's default). Responses
 *                           up to {@link #MIN_INBOUND_FRAME_BYTES} are always accepted, so that the partition
 *                           table (2 KiB at the default 1024 partitions) fits even under a small limit.
 */
public record ClientOptions(int connectionsPerNode, int maxInFlight, Duration requestTimeout,
                            Duration connectTimeout, int maxFrameBytes) {

    public static final ClientOptions DEFAULTS = new ClientOptions(
            2, 4096, Duration.ofSeconds(30), Duration.ofSeconds(5), Limits.DEFAULTS.maxFrameBytes());

    /** Responses up to this size are accepted whatever {@link #maxFrameBytes()} says: room for the table. */
    public static final int MIN_INBOUND_FRAME_BYTES = 1 << 20;

    /** Upper bound on connectionsPerNode: a guard against typos, not a tuning limit. */
    public static final int MAX_CONNECTIONS_PER_NODE = 256;

    public ClientOptions {
        if (connectionsPerNode < 1 || connectionsPerNode > MAX_CONNECTIONS_PER_NODE) {
            throw new IllegalArgumentException("connectionsPerNode must be between 1 and "
                    + MAX_CONNECTIONS_PER_NODE + ": " + connectionsPerNode);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
        }
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(connectTimeout, "connectTimeout");
        if (maxFrameBytes < Wire.MIN_LENGTH) {
            throw new IllegalArgumentException("maxFrameBytes must be at least " + Wire.MIN_LENGTH + ": " + maxFrameBytes);
        }
    }

    /** The largest response frame length accepted: maxFrameBytes, but at least MIN_INBOUND_FRAME_BYTES. */
    int maxInboundFrameBytes() {
        return Math.max(maxFrameBytes, MIN_INBOUND_FRAME_BYTES);
    }

    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        try {
            d.toNanos(); // the client computes deadlines in nanoseconds
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(name + " is too long: " + d, e);
        }
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private int connectionsPerNode;
        private int maxInFlight;
        private Duration requestTimeout;
        private Duration connectTimeout;
        private int maxFrameBytes;

        private Builder(ClientOptions from) {
            connectionsPerNode = from.connectionsPerNode;
            maxInFlight = from.maxInFlight;
            requestTimeout = from.requestTimeout;
            connectTimeout = from.connectTimeout;
            maxFrameBytes = from.maxFrameBytes;
        }

        public Builder connectionsPerNode(int n) {
            connectionsPerNode = n;
            return this;
        }

        public Builder maxInFlight(int n) {
            maxInFlight = n;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            requestTimeout = d;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            connectTimeout = d;
            return this;
        }

        public Builder maxFrameBytes(int n) {
            maxFrameBytes = n;
            return this;
        }

        public ClientOptions build() {
            return new ClientOptions(connectionsPerNode, maxInFlight, requestTimeout, connectTimeout, maxFrameBytes);
        }
    }
}
