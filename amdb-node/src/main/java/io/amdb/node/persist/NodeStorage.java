package io.amdb.node.persist;

import io.amdb.node.storage.ShardStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A durable node's storage as a whole: its locked {@link DataDir}, the shards' stores as recovery rebuilt
 * them (one thread per shard, in parallel), the one snapshot thread the shards share, and the counters.
 * Opened before the node serves; closed after its shards have closed their logs.
 */
public final class NodeStorage implements AutoCloseable {
    /** What recovery did, for the start-up line and INFO. */
    public record Summary(long keys, long keysFromSnapshots, long records, long logBytes, long millis) {
        public String describe() {
            return String.format("recovered %d keys: %d from snapshots + %d log records (%.1f MB) in %.2f s",
                    keys, keysFromSnapshots, records, logBytes / 1e6, millis / 1000.0);
        }
    }

    private final DataDir dir;
    private final Durability mode;
    private final List<ShardStore> stores;
    private final long[] nextSegments;
    private final long[] replayedBytes;
    private final Summary summary;
    private final LogStats stats;
    private final ExecutorService snapshotIo;

    private NodeStorage(DataDir dir, Durability mode, List<ShardStore> stores, long[] nextSegments,
            long[] replayedBytes, Summary summary, LogStats stats) {
        this.replayedBytes = replayedBytes;
        this.dir = dir;
        this.mode = mode;
        this.stores = stores;
        this.nextSegments = nextSegments;
        this.summary = summary;
        this.stats = stats;
        this.snapshotIo = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "amdb-snapshot");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Locks and checks the directory, then recovers every shard. On failure the lock is released.
     *
     * @param log told of every repair recovery made (torn tails cut, snapshots skipped)
     * @throws DataDir.RefusedException           in use, or another node's or configuration's directory
     * @throws Recovery.CorruptLogException corruption and no {@code --recover truncate}
     */
    public static NodeStorage open(Path root, DataDir.Identity identity, boolean adoptNodeId, Durability mode,
            boolean recoverTruncate, long seed, Consumer<String> log) throws IOException {
        DataDir dir = DataDir.open(root, identity, adoptNodeId);
        try {
            int shards = dir.identity().shards();
            int partitions = dir.identity().partitions();
            long started = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(shards, r -> new Thread(r, "amdb-recovery"));
            List<Future<Recovery.Result>> results = new ArrayList<>();
            try {
                for (int i = 0; i < shards; i++) {
                    Recovery r = new Recovery(dir.shardDir(i), i, partitions, seed + i, recoverTruncate, log);
                    results.add(pool.submit(r::run));
                }
                List<ShardStore> stores = new ArrayList<>();
                long[] next = new long[shards];
                long[] replayed = new long[shards];
                long keys = 0;
                long records = 0;
                long bytes = 0;
                for (int i = 0; i < shards; i++) {
                    Recovery.Result r = get(results.get(i));
                    stores.add(r.store());
                    next[i] = r.nextSegment();
                    replayed[i] = r.logBytes();
                    keys += r.keysFromSnapshot();
                    records += r.records();
                    bytes += r.logBytes();
                }
                Fsync.directory(dir.root()); // the shard directories recovery may have created
                Summary summary = new Summary(stores.stream().mapToLong(ShardStore::size).sum(), keys, records, bytes,
                        (System.nanoTime() - started) / 1_000_000);
                LogStats stats = new LogStats();
                stats.recoveryMillis.set(summary.millis());
                stats.recoveredKeys.set(summary.keys());
                stats.recoveredRecords.set(records);
                stats.logBytesOnDisk.set(bytes);
                return new NodeStorage(dir, mode, stores, next, replayed, summary, stats);
            } finally {
                pool.shutdownNow();
            }
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private static Recovery.Result get(Future<Recovery.Result> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during recovery", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("recovery failed: " + e.getCause(), e.getCause());
        }
    }

    public DataDir dir() {
        return dir;
    }

    public Durability mode() {
        return mode;
    }

    /** Shard {@code i}'s recovered store. */
    public ShardStore store(int i) {
        return stores.get(i);
    }

    /** The segment shard {@code i}'s log continues in. */
    public long nextSegment(int i) {
        return nextSegments[i];
    }

    /** Log bytes shard {@code i} replayed over its snapshot: its log since that snapshot, before this start. */
    public long replayedBytes(int i) {
        return replayedBytes[i];
    }

    public Summary summary() {
        return summary;
    }

    public LogStats stats() {
        return stats;
    }

    /** The thread snapshots and table saves run on, in submission order. */
    public ExecutorService io() {
        return snapshotIo;
    }

    /** Stops the snapshot thread and releases the directory. Call after the shards closed their logs. */
    @Override
    public void close() throws IOException {
        snapshotIo.shutdown();
        try {
            snapshotIo.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dir.close();
    }
}
