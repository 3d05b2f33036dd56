package io.amdb.node;

import io.amdb.node.route.NodeStatus;
import io.amdb.protocol.Opcode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Wire;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Node-wide counters and identity for INFO. Thread-safe: connections on every event loop count here. */
final class NodeStats implements NodeStatus {
    private final String nodeId;
    private final int shards;
    private final int partitions;
    private final AtomicInteger connections;
    private final LongSupplier clockMillis;
    private final long startMillis;
    private final LongAdder[] answered = new LongAdder[256];
    /** The table and a fact derived from it, published together so readers never mix two tables. */
    private record TableView(PartitionTable table, boolean ownsAll) {}

    private volatile TableView view;
    private volatile LatencyRecorder latency = (opcode, nanos) -> { };

    NodeStats(String nodeId, int shards, int partitions, AtomicInteger connections, LongSupplier clockMillis) {
        this.nodeId = nodeId;
        this.shards = shards;
        this.partitions = partitions;
        this.connections = connections;
        this.clockMillis = clockMillis;
        this.startMillis = clockMillis.getAsLong();
        for (int i = 0; i < answered.length; i++) {
            answered[i] = new LongAdder();
        }
    }

    /** Installs the table requests are routed with; tables are immutable, so publishing the reference suffices. */
    void setTable(PartitionTable table) {
        this.view = new TableView(table, table.partitionsOf(nodeId).length == table.partitions());
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean ownsAllPartitions() {
        TableView v = view;
        return v != null && v.ownsAll();
    }

    @Override
    public PartitionTable table() {
        TableView v = view;
        return v == null ? null : v.table();
    }

    @Override
    public void countAnswered(int opcode) {
        answered[opcode & 0xFF].increment();
    }

    /** Sets where {@link #recordLatency} samples go (the metrics registry). */
    void setLatencyRecorder(LatencyRecorder recorder) {
        this.latency = recorder;
    }

    @Override
    public void recordLatency(int opcode, long nanos) {
        latency.record(opcode, nanos);
    }

    @Override
    public Map<String, String> infoFields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("node_id", nodeId);
        f.put("version", Version.VERSION);
        f.put("protocol_version", Integer.toString(Wire.VERSION));
        f.put("shards", Integer.toString(shards));
        f.put("partitions", Integer.toString(partitions));
        f.put("uptime_ms", Long.toString(clockMillis.getAsLong() - startMillis));
        f.put("connections", Integer.toString(connections.get()));
        f.put("table_epoch", view == null ? "0" : Long.toString(view.table().epoch()));
        for (Opcode op : Opcode.values()) {
            f.put("ops_" + op.name().toLowerCase(Locale.ROOT), Long.toString(answered[op.code()].sum()));
        }
        return f;
    }
}
