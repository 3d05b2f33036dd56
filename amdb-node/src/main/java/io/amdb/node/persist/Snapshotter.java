package io.amdb.node.persist;

import io.amdb.node.storage.ShardStore;
import io.amdb.node.storage.SkipList;
import io.amdb.protocol.WireWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Takes one shard's snapshots in the background (see {@code docs/STORAGE.md}): rolls the log, then copies
 * the store one chunk per event-loop turn ({@link LogFormat#CHUNK_ENTRIES} entries or about
 * {@link LogFormat#CHUNK_BYTES}) while the snapshot thread writes the previous chunk, so the shard keeps
 * serving and at most one chunk is in memory. When the file is published, older snapshots and the segments
 * it covers are deleted.
 *
 * <p>Threads: {@link #maybeStart()} and the chunk steps run on the shard's event loop ({@code loop}); file
 * work runs on {@code io}, the node's snapshot thread. A chunk is built only when the previous one is
 * written, so a store cursor never lives across turns: each chunk seeks again after the last key copied.
 */
public final class Snapshotter {
    /** Log bytes since the last snapshot that start a new one, at least; more for a larger store. */
    public static final long MIN_LOG_BYTES = 64L << 20;

    private final Path dir;
    private final int shard;
    private final ShardStore store;
    private final ShardLog log;
    private final Executor loop;
    private final Executor io;
    private final LogStats stats;
    private final Consumer<String> warn;
    private final long minLogBytes;
    private boolean running;
    // The copy in progress (event loop only):
    private SnapshotFile file;
    private int partition;
    private byte[] after;

    public Snapshotter(Path dir, int shard, ShardStore store, ShardLog log, Executor loop, Executor io,
            LogStats stats, Consumer<String> warn, long minLogBytes) {
        this.dir = dir;
        this.shard = shard;
        this.store = store;
        this.log = log;
        this.loop = loop;
        this.io = io;
        this.stats = stats;
        this.warn = warn;
        this.minLogBytes = minLogBytes;
    }

    /** True while a snapshot is being taken. */
    public boolean running() {
        return running;
    }

    /** Starts a snapshot when the log has grown past the threshold and none is running. Event loop. */
    public void maybeStart() {
        if (!running && log.bytesSinceSnapshot() >= Math.max(minLogBytes, store.memoryBytes())) {
            start(null);
        }
    }

    /** Starts a snapshot now (unless one runs); {@code done} gets the published file, or null on failure. */
    public void start(Consumer<Path> done) {
        if (running) {
            return;
        }
        running = true;
        stats.snapshotsRunning.incrementAndGet();
        log.rollForSnapshot(first -> io.execute(() -> {
            try {
                SnapshotFile f = new SnapshotFile(dir, shard, store.partitions(), first);
                loop.execute(() -> {
                    file = f;
                    partition = 0;
                    after = null;
                    step(done);
                });
            } catch (IOException e) {
                loop.execute(() -> fail(e, done));
            }
        }));
        // The segments before the roll go once the snapshot is published, and with them the FOLLOW records that said
        // which history each copy holds: the log after the roll says it again (records encoded from here on follow
        // the roll), so recovery from the snapshot restores it.
        for (int p = 0; p < store.partitions(); p++) {
            long term = store.heldTerm(p);
            if (term >= 0) {
                log.follow(p, term);
            }
        }
    }

    /** Copies the next chunk on the event loop and hands it to the snapshot thread. */
    private void step(Consumer<Path> done) {
        WireWriter w = new WireWriter(LogFormat.CHUNK_BYTES + (64 << 10));
        long count = copyChunk(w);
        SnapshotFile f = file;
        if (count == 0 && partition >= store.partitions()) {
            long[] sequences = new long[store.partitions()];
            for (int p = 0; p < sequences.length; p++) {
                sequences[p] = store.sequence(p);
            }
            // The log is fsynced up to here before the snapshot is published: a snapshot holds writes of the
            // copy's last chunks that, in async mode, the log may not have fsynced yet, and a power loss right
            // after publishing would otherwise keep those but lose earlier ones (a hole, not a suffix).
            log.whenDurable(() -> io.execute(() -> {
                try {
                    Path published = f.finish(sequences);
                    deleteCovered(LogFormat.numberOf(published.getFileName().toString(), "snap-", ".snap"));
                    stats.snapshotsDone.incrementAndGet();
                    loop.execute(() -> finished(published, done));
                } catch (IOException e) {
                    loop.execute(() -> fail(e, done));
                }
            }), true);
            log.commit();
            return;
        }
        io.execute(() -> {
            try {
                f.append(w.array(), w.size(), count);
                stats.snapshotEntriesWritten.addAndGet(count);
                loop.execute(() -> step(done));
            } catch (IOException e) {
                loop.execute(() -> fail(e, done));
            }
        });
    }

    /**
     * Writes ENTRIES frames for up to a chunk of entries, resuming after {@link #after} in {@link #partition};
     * moves on through the partitions. Returns the entries written; 0 with every partition done ends the copy.
     */
    private long copyChunk(WireWriter w) {
        long count = 0;
        while (partition < store.partitions() && count < LogFormat.CHUNK_ENTRIES && w.size() < LogFormat.CHUNK_BYTES) {
            SkipList.Cursor c = store.partitionCursor(partition, after);
            if (c.valid() && after != null && Arrays.equals(c.key(), after)) {
                c.next();
            }
            if (!c.valid()) {
                partition++;
                after = null;
                continue;
            }
            int start = SnapshotFile.frame(w, LogFormat.ENTRIES);
            w.u32(partition);
            int countAt = w.size();
            w.u32(0);
            int n = 0;
            for (; c.valid() && count < LogFormat.CHUNK_ENTRIES && w.size() < LogFormat.CHUNK_BYTES; c.next()) {
                long entryBytes = 16L + c.key().length + c.value().length;
                if (n > 0 && w.size() - start + entryBytes > LogFormat.MAX_PAYLOAD) {
                    break; // the frame is full: this entry opens the next chunk
                }
                w.i64(c.version()).bytes(c.key()).bytes(c.value());
                after = c.key();
                n++;
                count++;
            }
            ByteBuffer.wrap(w.array()).putInt(countAt, n);
            LogFormat.seal(w.array(), start, w.size());
            if (!c.valid()) {
                partition++;
                after = null;
            } else if (count < LogFormat.CHUNK_ENTRIES && w.size() < LogFormat.CHUNK_BYTES) {
                break; // stopped before an entry too large for this frame: it starts the next chunk
            }
        }
        return count;
    }

    /** Deletes the snapshots older than {@code first} and the segments below it. Snapshot thread. */
    private void deleteCovered(long first) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                long seg = LogFormat.numberOf(name, "log-", ".wal");
                long snap = LogFormat.numberOf(name, "snap-", ".snap");
                if ((seg >= 0 && seg < first) || (snap >= 0 && snap < first)) {
                    long size = Files.size(f);
                    Files.delete(f);
                    if (seg >= 0) {
                        stats.logBytesOnDisk.addAndGet(-size);
                    }
                }
            }
        }
        Fsync.directory(dir);
    }

    private void finished(Path published, Consumer<Path> done) {
        file = null;
        running = false;
        stats.snapshotsRunning.decrementAndGet();
        if (done != null) {
            done.accept(published);
        }
    }

    private void fail(IOException e, Consumer<Path> done) {
        SnapshotFile f = file;
        file = null;
        running = false;
        stats.snapshotsRunning.decrementAndGet();
        warn.accept("snapshot of shard " + shard + " failed, will retry after more writes: " + e.getMessage());
        if (f != null) {
            io.execute(() -> {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // the temporary file stays; recovery deletes it
                }
            });
        }
        if (done != null) {
            done.accept(null);
        }
    }
}
