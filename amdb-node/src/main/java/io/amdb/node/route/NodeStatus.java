package io.amdb.node.route;

import io.amdb.protocol.PartitionTable;
import java.util.Map;

/** What a node counts and says about itself in INFO, apart from the shards' key counts. Thread-safe. */
public interface NodeStatus {
    /** Node-level INFO fields (id, version, uptime, connections, counters), in display order. */
    Map<String, String> infoFields();

    /** Counts one answered request of this opcode (an unknown opcode counts too). */
    void countAnswered(int opcode);

    /** Receives request latencies; must be cheap and allocation-free (the protocol path calls it per read). */
    @FunctionalInterface
    interface LatencyRecorder {
        void record(int opcode, long nanos);
    }

    /**
     * Records how long a protocol network read's requests took, from the read until their replies were ready;
     * {@code opcode} is the first request's. One sample per read, not per request, to keep the hot path cheap.
     */
    default void recordLatency(int opcode, long nanos) {
    }

    /** The partition table this node routes and fences with now. */
    PartitionTable table();

    /** This node's id, as it appears in the table's members. */
    String nodeId();

    /** Counts exchanges waiting for this node's table to catch up with a client's (INFO requests_waiting_for_table). */
    void waitingForTable(int delta);

    /** The {@link Parking} version: read it before a step whose outcome may have to wait for the table. */
    long parkingVersion();

    /**
     * Runs {@code resume} on the caller's context once something happened after {@code versionSeen} was read
     * (a newer table, an aborted handoff) or a timeout passed (see {@link Parking}).
     */
    void park(long versionSeen, Runnable resume);

    /** True when the current table gives this node every partition (a standalone node): SCAN is local. */
    boolean ownsAllPartitions();
}
