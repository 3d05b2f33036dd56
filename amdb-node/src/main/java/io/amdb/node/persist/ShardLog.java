package io.amdb.node.persist;

import io.amdb.node.storage.Journal;
import io.amdb.protocol.WireWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The event-loop side of one shard's write-ahead log: encodes every change the shard's store reports
 * ({@link Journal}) as a frame into a buffer, and hands the buffer to the {@link LogWriter} at
 * {@link #commit}, with the callbacks to run once those records are acknowledged.
 *
 * <p>Not thread-safe: the shard's event loop is the only caller (the writer has its own thread).
 * Invariant: every record encoded before a {@link #commit} is written before any encoded after it, so a
 * shard's log is in the order the shard applied its changes.
 */
public final class ShardLog implements Journal {
    private static final int INITIAL_BUFFER = 64 << 10;
    /** Bytes written but not yet on disk above which the shard stops taking tasks until the writer catches up. */
    public static final long MAX_QUEUED_BYTES = 64L << 20;

    private final LogWriter writer;
    private WireWriter buffer = new WireWriter(INITIAL_BUFFER);
    private int records;
    private long encoded;
    private final List<Runnable> waiting = new ArrayList<>();
    private boolean forceSync;
    private long bytesSinceSnapshot;
    private boolean inFlight; // a group is with the writer
    private WireWriter spare; // a buffer the writer is done with, for the next group
    /** A buffer larger than this (one burst of large values) is let go rather than kept as the spare. */
    private static final int MAX_SPARE_BYTES = 4 << 20;

    public ShardLog(LogWriter writer) {
        this(writer, 0);
    }

    /**
     * @param logBytesOnStart the log the shard replayed at start, since its last snapshot: it counts toward the
     *                        next snapshot, so a node restarted often still snapshots and its log stays bounded
     */
    public ShardLog(LogWriter writer, long logBytesOnStart) {
        this.writer = writer;
        this.bytesSinceSnapshot = logBytesOnStart;
    }

    @Override
    public void put(int partition, long version, byte[] key, byte[] value) {
        int start = begin(LogFormat.PUT);
        buffer.u32(partition).i64(version).bytes(key).bytes(value);
        end(start);
    }

    @Override
    public void delete(int partition, long version, byte[] key) {
        int start = begin(LogFormat.DELETE);
        buffer.u32(partition).i64(version).bytes(key);
        end(start);
    }

    @Override
    public void drop(int partition) {
        int start = begin(LogFormat.DROP);
        buffer.u32(partition);
        end(start);
    }

    @Override
    public void follow(int partition, long term) {
        int start = begin(LogFormat.FOLLOW);
        buffer.u32(partition).i64(term);
        end(start);
    }

    @Override
    public boolean acceptsWrites() {
        return !writer.full() && !writer.failed();
    }

    private int begin(byte type) {
        int start = buffer.size();
        buffer.u32(0).u32(0).u8(type);
        return start;
    }

    private void end(int start) {
        LogFormat.seal(buffer.array(), start, buffer.size());
        records++;
        encoded++;
        bytesSinceSnapshot += buffer.size() - start;
    }

    /** How many records this log has encoded in all: a task changed something when this moved. */
    public long encoded() {
        return encoded;
    }

    /**
     * Runs {@code done} once every record encoded so far is acknowledged (see {@link Durability}), or
     * fsynced when {@code sync}. Callbacks gather until {@link #commit()}.
     */
    public void whenDurable(Runnable done, boolean sync) {
        waiting.add(done);
        forceSync |= sync;
    }

    /**
     * Hands the records encoded so far and the callbacks gathered to the writer as one group, unless a group
     * is still with the writer: then they wait, and go as the next group as soon as that one is acknowledged.
     * So under load a shard's groups grow instead of multiplying (one thread hop each way per group), and in
     * {@code sync} mode one fsync covers everything that arrived while the previous one ran.
     */
    public void commit() {
        if (!inFlight) {
            send();
        }
    }

    /** As {@link #commit()}, even while a group is with the writer (closing: nothing may stay behind). */
    public void flush() {
        send();
    }

    private void send() {
        if (waiting.isEmpty() && records == 0) {
            return;
        }
        Runnable[] callbacks = waiting.toArray(Runnable[]::new);
        waiting.clear();
        WireWriter sent = buffer;
        inFlight = true;
        Runnable done = () -> { // on the shard's event loop
            inFlight = false;
            for (Runnable r : callbacks) {
                r.run();
            }
            if (sent.size() <= MAX_SPARE_BYTES) {
                sent.reset();
                spare = sent;
            }
            commit(); // what gathered meanwhile
        };
        writer.submit(sent.array(), sent.size(), records, done, forceSync);
        buffer = spare != null ? spare : new WireWriter(INITIAL_BUFFER);
        spare = null;
        records = 0;
        forceSync = false;
    }

    /** True while so many bytes wait for the disk that the shard should pause. */
    public boolean backlogged() {
        return buffer.size() + writer.queuedBytes() > MAX_QUEUED_BYTES;
    }

    /** Log bytes encoded since the last snapshot began. */
    public long bytesSinceSnapshot() {
        return bytesSinceSnapshot;
    }

    /**
     * Begins a snapshot: commits what is encoded, then rolls the log; {@code rolled} gets the new segment,
     * from which replay over the snapshot will start.
     */
    public void rollForSnapshot(java.util.function.LongConsumer rolled) {
        commit(); // records still gathering (a group is in flight) go after the roll: replaying them again is harmless
        bytesSinceSnapshot = 0;
        writer.roll(rolled);
    }

    public LogWriter writer() {
        return writer;
    }
}
