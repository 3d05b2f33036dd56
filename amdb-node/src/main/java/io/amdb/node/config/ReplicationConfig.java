package io.amdb.node.config;

import io.amdb.protocol.Member;
import io.amdb.protocol.ReplicaSets;
import java.nio.charset.StandardCharsets;

/**
 * How many copies a cluster keeps of each partition, and where this node stands (see {@code docs/REPLICATION.md}).
 * R and M are the founding node's: a cluster's first table records them and later tables keep them, so on a
 * node that joins an existing cluster they are ignored.
 *
 * @param factor    R, {@code --replication-factor}: copies of each partition, its primary included (1-7)
 * @param minInSync M, {@code --min-in-sync}: a primary refuses writes while fewer copies are in sync (1-R)
 * @param rack      {@code --rack}: this node's rack or host group, "" for none; copies of one partition go to
 *                  distinct racks when the members name enough of them
 * @param copyMbPerSecond {@code --replication-copy-mb-per-s}: this node's limit on copying partitions to new
 *                  backups, in MB/s (10^6 bytes); 0 (the default) for none. Streamed writes are never limited.
 * @param backlogMb {@code --replication-backlog-mb}: MB (10^6 bytes) of recent changes this node keeps, split evenly
 *                  among its shards, to bring a copy that fell behind (a restarted backup, the in-sync backups of a
 *                  promoted primary) up to date instead of copying its partitions anew (1-1,000,000, default 64)
 */
public record ReplicationConfig(int factor, int minInSync, String rack, int copyMbPerSecond, int backlogMb) {
    public static final int DEFAULT_FACTOR = 2;
    public static final int DEFAULT_MIN_IN_SYNC = 1;
    public static final int DEFAULT_BACKLOG_MB = 64;

    /** No copy rate limit, the default backlog. */
    public ReplicationConfig(int factor, int minInSync, String rack) {
        this(factor, minInSync, rack, 0, DEFAULT_BACKLOG_MB);
    }

    /** The backlog each of {@code shards} shards keeps, in bytes. */
    public long backlogBytesPerShard(int shards) {
        return Math.max(1, backlogMb * 1_000_000L / shards);
    }

    static ReplicationConfig from(Settings s) throws ConfigException {
        int factor = s.integer("replication-factor", DEFAULT_FACTOR, 1, ReplicaSets.MAX_FACTOR);
        int minInSync = s.integer("min-in-sync", DEFAULT_MIN_IN_SYNC, 1, ReplicaSets.MAX_FACTOR);
        if (minInSync > factor) {
            throw new ConfigException("min-in-sync = " + minInSync + " (from " + s.get("min-in-sync", "").source()
                    + ") must not exceed replication-factor = " + factor);
        }
        String rack = s.string("rack", "");
        if (rack.getBytes(StandardCharsets.UTF_8).length > Member.MAX_TEXT_BYTES) {
            throw new ConfigException("rack must be at most " + Member.MAX_TEXT_BYTES + " bytes of UTF-8");
        }
        int copyRate = s.integer("replication-copy-mb-per-s", 0, 0, 1_000_000);
        int backlog = s.integer("replication-backlog-mb", DEFAULT_BACKLOG_MB, 1, 1_000_000);
        return new ReplicationConfig(factor, minInSync, rack, copyRate, backlog);
    }
}
