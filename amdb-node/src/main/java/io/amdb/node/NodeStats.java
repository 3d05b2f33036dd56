package io.amdb.node;

import io.amdb.node.migrate.MigrationStats;
import io.amdb.node.route.NodeCounters;
import io.amdb.node.table.NodeTable;
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
import java.util.function.Supplier;

/**
 * Node-wide counters and identity for INFO; the table's fields are read from the {@link NodeTable}, which owns
 * it. Thread-safe: connections on every event loop count here.
 */
final class NodeStats implements NodeCounters {
    private final NodeTable table;
    private final int shards;
    private final int partitions;
    private final AtomicInteger connections;
    private final LongSupplier clockMillis;
    private final long startMillis;
    private final LongAdder[] answered = new LongAdder[256];
    private final MigrationStats migrations;
    private final AtomicLong loopLagNanos;
    private final AtomicLong shardTaskNanos;
    private final AtomicInteger waitingForTable = new AtomicInteger();
    private volatile LatencyRecorder latency = (opcode, nanos) -> { };
    private volatile Supplier<Map<String, String>> storageFields = Map::of;
    private volatile Supplier<Map<String, String>> copyFields = Map::of;
    private volatile Supplier<Map<String, String>> tableLogFields = Map::of;

    NodeStats(NodeTable table, int shards, int partitions, AtomicInteger connections, LongSupplier clockMillis,
            MigrationStats migrations, AtomicLong loopLagNanos, AtomicLong shardTaskNanos) {
        this.table = table;
        this.loopLagNanos = loopLagNanos;
        this.shardTaskNanos = shardTaskNanos;
        this.migrations = migrations;
        this.shards = shards;
        this.partitions = partitions;
        this.connections = connections;
        this.clockMillis = clockMillis;
        this.startMillis = clockMillis.getAsLong();
        for (int i = 0; i < answered.length; i++) {
            answered[i] = new LongAdder();
        }
    }

    @Override
    public void waitingForTable(int delta) {
        waitingForTable.addAndGet(delta);
    }

    @Override
    public void countAnswered(int opcode) {
        answered[opcode & 0xFF].increment();
    }

    /** Sets where INFO's storage fields come from (see {@code persist.StorageInfo}). */
    void setStorageFields(Supplier<Map<String, String>> fields) {
        this.storageFields = fields;
    }

    /** The replication copies' INFO fields (io.amdb.node.replicate.CopyStats). */
    void setCopyFields(Supplier<Map<String, String>> fields) {
        this.copyFields = fields;
    }

    /** Sets where INFO's table-log fields come from (see {@code cluster.TableService#infoFields}). */
    void setTableLogFields(Supplier<Map<String, String>> fields) {
        this.tableLogFields = fields;
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
        f.put("node_id", table.selfId());
        f.put("version", Version.VERSION);
        f.put("protocol_version", Integer.toString(Wire.VERSION));
        f.put("shards", Integer.toString(shards));
        f.put("partitions", Integer.toString(partitions));
        f.put("uptime_ms", Long.toString(clockMillis.getAsLong() - startMillis));
        f.put("connections", Integer.toString(connections.get()));
        tableFields(f);
        f.putAll(tableLogFields.get());
        f.putAll(migrations.fields());
        f.putAll(copyFields.get());
        f.put("requests_waiting_for_table", Integer.toString(waitingForTable.get()));
        f.put("loop_lag_max_ms", Long.toString(loopLagNanos.get() / 1_000_000));
        f.put("shard_task_max_ms", Long.toString(shardTaskNanos.get() / 1_000_000));
        f.putAll(storageFields.get());
        for (Opcode op : Opcode.values()) {
            f.put("ops_" + op.name().toLowerCase(Locale.ROOT), Long.toString(answered[op.code()].sum()));
        }
        return f;
    }

    /** The table's INFO fields, all "0" before the first table. */
    private void tableFields(Map<String, String> f) {
        NodeTable.View v = table.view();
        PartitionTable t = v == null ? null : v.table();
        f.put("table_epoch", t == null ? "0" : Long.toString(t.epoch()));
        f.put("members", t == null ? "0" : Integer.toString(t.members().size()));
        f.put("partitions_owned", t == null ? "0" : Integer.toString(v.owned()));
        f.put("partitions_lost", t == null ? "0" : Integer.toString(t.lostPartitions()));
        f.put("migrations_in_flight", t == null ? "0" : Integer.toString(t.migrations().size()));
        f.put("replication_factor", t == null ? "0" : Integer.toString(t.replicationFactor()));
        f.put("min_in_sync", t == null ? "0" : Integer.toString(t.replicaSets().minInSync()));
        f.put("partitions_backup", t == null ? "0" : Integer.toString(t.backupPartitionsOf(table.selfId()).length));
        f.put("partitions_under_replicated", t == null ? "0" : Integer.toString(t.underReplicated()));
    }
}
