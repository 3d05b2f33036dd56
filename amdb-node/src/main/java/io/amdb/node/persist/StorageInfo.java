package io.amdb.node.persist;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The storage fields of INFO (and so of {@code /metrics} and the console), from a node's storage or its absence. */
public final class StorageInfo {
    /** The numeric fields, which {@code /metrics} exports as gauges ({@code amdb.<name with dots>}). */
    public static final List<String> NUMERIC = List.of("log_bytes", "log_bytes_written", "log_records_written",
            "fsyncs", "fsync_p99_us", "writes_per_fsync", "snapshots_done", "snapshot_running",
            "snapshot_entries_written", "storage_full_shards", "recovery_ms", "recovered_keys", "recovered_records");

    private StorageInfo() {}

    /** The fields for {@code storage}, or just {@code durability: none} for a memory-only node. */
    public static Map<String, String> fields(NodeStorage storage) {
        Map<String, String> f = new LinkedHashMap<>();
        if (storage == null) {
            f.put("durability", Durability.NONE.label());
            return f;
        }
        LogStats s = storage.stats();
        f.put("durability", storage.mode().label());
        f.put("data_dir", storage.dir().root().toAbsolutePath().toString());
        f.put("log_bytes", Long.toString(s.logBytesOnDisk.get()));
        f.put("log_bytes_written", Long.toString(s.bytesWritten.get()));
        f.put("log_records_written", Long.toString(s.recordsWritten.get()));
        f.put("fsyncs", Long.toString(s.fsyncs.get()));
        f.put("fsync_p99_us", Long.toString(s.fsyncP99Micros()));
        f.put("writes_per_fsync", String.format(java.util.Locale.ROOT, "%.1f", s.recordsPerFsync()));
        f.put("snapshots_done", Long.toString(s.snapshotsDone.get()));
        f.put("snapshot_running", Long.toString(s.snapshotsRunning.get()));
        f.put("snapshot_entries_written", Long.toString(s.snapshotEntriesWritten.get()));
        f.put("storage_full_shards", Long.toString(s.fullShards.get()));
        f.put("recovery_ms", Long.toString(s.recoveryMillis.get()));
        f.put("recovered_keys", Long.toString(s.recoveredKeys.get()));
        f.put("recovered_records", Long.toString(s.recoveredRecords.get()));
        return f;
    }
}
