package io.amdb.node.route;

import java.util.Map;

/**
 * What a node counts and says about itself in INFO, apart from the shards' key counts and the table (which
 * is the {@link io.amdb.node.table.NodeTable}'s). Thread-safe: every event loop counts here.
 */
public interface NodeCounters {
    /** Node-level INFO fields (id, version, uptime, connections, table facts, counters), in display order. */
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

    /** Counts exchanges waiting for this node's table to catch up with a client's (INFO requests_waiting_for_table). */
    void waitingForTable(int delta);
}
