package io.amdb.node;

import io.amdb.node.migrate.MigrationStats;
import io.amdb.node.route.NodeStatus;
import io.amdb.node.route.Parking;
import io.amdb.protocol.Opcode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Wire;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    /** The table and facts derived from it, published together so readers never mix two tables. */
    private record TableView(PartitionTable table, boolean ownsAll, int owned) {}

    private volatile TableView view;
    private volatile LatencyRecorder latency = (opcode, nanos) -> { };

    private final Parking parking;
    private final MigrationStats migrations;
    private final AtomicLong loopLagNanos;
    private final AtomicLong shardTaskNanos;
    private final AtomicInteger waitingForTable = new AtomicInteger();
    private volatile java.util.function.Supplier<Map<String, String>> storageFields = Map::of;

    NodeStats(String nodeId, int shards, int partitions, AtomicInteger connections, LongSupplier clockMillis,
            Parking parking, MigrationStats migrations, AtomicLong loopLagNanos, AtomicLong shardTaskNanos) {
        this.loopLagNanos = loopLagNanos;
        this.shardTaskNanos = shardTaskNanos;
        this.parking = parking;
        this.migrations = migrations;
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
        int owned = table.partitionsOf(nodeId).length;
        this.view = new TableView(table, owned == table.partitions(), owned);
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
    public void waitingForTable(int delta) {
        waitingForTable.addAndGet(delta);
    }

    @Override
    public long parkingVersion() {
        return parking.version();
    }

    @Override
    public void park(long versionSeen, Runnable resume) {
        parking.park(versionSeen, resume);
    }

    @Override
    public void countAnswered(int opcode) {
        answered[opcode & 0xFF].increment();
    }

    /** Sets where INFO's storage fields come from (see {@code persist.StorageInfo}). */
    void setStorageFields(java.util.function.Supplier<Map<String, String>> fields) {
        this.storageFields = fields;
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
        TableView v = view;
        f.put("table_epoch", v == null ? "0" : Long.toString(v.table().epoch()));
        f.put("members", v == null ? "0" : Integer.toString(v.table().members().size()));
        f.put("partitions_owned", v == null ? "0" : Integer.toString(v.owned()));
        f.put("partitions_lost", v == null ? "0" : Integer.toString(v.table().lostPartitions()));
        f.put("migrations_in_flight", v == null ? "0" : Integer.toString(v.table().migrations().size()));
        f.putAll(migrations.fields());
        f.put("requests_waiting_for_table", Integer.toString(waitingForTable.get()));
        f.put("loop_lag_max_ms", Long.toString(loopLagNanos.get() / 1_000_000));
        f.put("shard_task_max_ms", Long.toString(shardTaskNanos.get() / 1_000_000));
        f.putAll(storageFields.get());
        for (Opcode op : Opcode.values()) {
            f.put("ops_" + op.name().toLowerCase(Locale.ROOT), Long.toString(answered[op.code()].sum()));
        }
        return f;
    }
}
