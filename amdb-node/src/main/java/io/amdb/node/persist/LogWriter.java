package io.amdb.node.persist;

import io.amdb.protocol.WireWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One shard's log file writer: a thread of its own that appends the shard's records to the current segment,
 * fsyncs by the {@link Durability} mode, and tells the shard when its writes are acknowledged. The shard's
 * event loop never touches a file.
 *
 * <p><b>Threads.</b> {@link #submit}, {@link #roll} and {@link #close} are called by the shard's event loop;
 * everything else runs on the writer thread. Completions run on the {@code completions} executor (the
 * shard's context), one task per group.
 *
 * <p><b>Group commit.</b> The thread takes everything submitted since its last turn as one group: one
 * {@code write} per buffer, then in {@code SYNC} mode one fsync for the whole group. While an fsync runs,
 * the next group gathers (the shard keeps one group with the writer at a time, see {@link ShardLog}). In
 * {@code ASYNC} mode callbacks run after the write, and a second thread, the syncer, fsyncs when the oldest
 * unsynced write is {@code fsyncIntervalNanos} old, so writes go on while an fsync runs. Segment swaps,
 * closing and fsyncs hold one lock; writes do not (FileChannel writes and force may overlap).
 *
 * <p><b>Failures.</b> A write that fails for lack of space is undone (the segment is cut back to where it
 * started), the writer turns {@link #full()} and retries every {@link #FULL_RETRY_MS} ms, holding back the
 * group's callbacks; other I/O errors and every fsync error are fatal: {@code onFatal} is told once and the
 * thread stops (an fsync is never retried: the OS may have dropped the data it failed to write).
 */
public final class LogWriter {
    static final long FULL_RETRY_MS = 100;

    /** A unit of work handed from the event loop to the writer thread, in submission order. */
    private sealed interface Op permits Write, Roll, Close {}

    private record Write(byte[] bytes, int length, int records, Runnable done, boolean forceSync) implements Op {}

    private record Roll(LongConsumer done) implements Op {}

    private record Close(Runnable done) implements Op {}

    private final Path dir;
    private final int shard;
    private final Durability mode;
    private final long fsyncIntervalNanos;
    private final Executor completions;
    private final Consumer<String> onFatal;
    private final LogStats stats;
    private final ConcurrentLinkedQueue<Op> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread thread;
    private final Thread syncer; // async mode only: the periodic fsync, so writes go on while it runs
    private volatile boolean full;
    private volatile boolean failed;
    private final java.util.concurrent.atomic.AtomicBoolean fatalSaid = new java.util.concurrent.atomic.AtomicBoolean();

    // Shared by the writer and the syncer: a segment swap, a close and every fsync hold fileLock; writes do not.
    private final Object fileLock = new Object();
    private volatile FileChannel channel;
    private volatile long segment;
    private volatile boolean dirty;
    private volatile long dirtySince;
    private volatile boolean closed;
    private final AtomicLong unsyncedRecords = new AtomicLong();

    // Writer thread only:
    private long segmentBytes;

    /**
     * Starts a writer that appends to a new segment {@code firstSegment} in {@code dir}.
     *
     * @throws UncheckedIOException if the segment cannot be created
     */
    public LogWriter(Path dir, int shard, long firstSegment, Durability mode, long fsyncIntervalMs,
            Executor completions, Consumer<String> onFatal, LogStats stats) {
        if (!mode.persistent()) {
            throw new IllegalArgumentException("a log writer needs a durable mode, got " + mode);
        }
        this.dir = dir;
        this.shard = shard;
        this.mode = mode;
        this.fsyncIntervalNanos = TimeUnit.MILLISECONDS.toNanos(fsyncIntervalMs);
        this.completions = completions;
        this.onFatal = onFatal;
        this.stats = stats;
        try {
            openSegment(firstSegment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.resolve(LogFormat.segmentName(firstSegment)), e);
        }
        this.thread = new Thread(this::run, "amdb-log-" + shard);
        thread.setDaemon(true);
        thread.start();
        if (mode == Durability.ASYNC) {
            syncer = new Thread(this::syncLoop, "amdb-fsync-" + shard);
            syncer.setDaemon(true);
            syncer.start();
        } else {
            syncer = null;
        }
    }

    /** True while the disk is full: the shard refuses new writes until the held records are written. */
    public boolean full() {
        return full;
    }

    /** Bytes submitted and not yet written. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /**
     * Appends {@code bytes[0, length)} (whole frames, {@code records} of them); {@code done} runs on the
     * completions executor once the records are acknowledged by the mode, or fsynced when {@code forceSync}.
     * The writer owns {@code bytes} from now on.
     */
    public void submit(byte[] bytes, int length, int records, Runnable done, boolean forceSync) {
        queuedBytes.addAndGet(length);
        enqueue(new Write(bytes, length, records, done, forceSync));
    }

    /** Closes the current segment (fsynced) and starts the next; {@code done} gets the new segment's number. */
    public void roll(LongConsumer done) {
        enqueue(new Roll(done));
    }

    /** Writes and fsyncs everything submitted, closes the file and ends the thread; {@code done} runs after. */
    public void close(Runnable done) {
        if (failed) { // the thread is gone: nothing more can be written
            done.run();
            return;
        }
        enqueue(new Close(done));
    }

    private void enqueue(Op op) {
        queue.add(op);
        LockSupport.unpark(thread);
    }

    private void run() {
        List<Runnable> afterWrite = new ArrayList<>();
        List<Runnable> afterSync = new ArrayList<>();
        try {
            while (!failed) {
                Op op = queue.poll();
                if (op == null) {
                    idle();
                    continue;
                }
                boolean needSync = false;
                Close close = null;
                for (; op != null; op = close == null ? queue.poll() : null) {
                    if (op instanceof Write w) {
                        write(w);
                        boolean sync = w.forceSync() || mode == Durability.SYNC;
                        needSync |= sync;
                        (sync ? afterSync : afterWrite).add(w.done());
                    } else if (op instanceof Roll r) {
                        rollSegment();
                        long n = segment;
                        afterWrite.add(() -> r.done().accept(n));
                    } else {
                        needSync = true;
                        close = (Close) op;
                    }
                }
                complete(afterWrite);
                if (needSync) {
                    fsync();
                }
                complete(afterSync);
                if (close != null) {
                    synchronized (fileLock) {
                        closed = true;
                        channel.close();
                    }
                    if (syncer != null) {
                        LockSupport.unpark(syncer);
                    }
                    close.done().run();
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            fatal(e);
        }
    }

    /** Nothing queued: park until work arrives (the syncer, not this thread, runs the periodic fsync). */
    private void idle() {
        LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
    }

    /** The syncer thread (async mode): fsyncs once the oldest unsynced write is an interval old. */
    private void syncLoop() {
        try {
            while (!closed && !failed) {
                if (dirty) {
                    long wait = dirtySince + fsyncIntervalNanos - System.nanoTime();
                    if (wait <= 0) {
                        fsync();
                    } else {
                        LockSupport.parkNanos(this, wait);
                    }
                } else {
                    LockSupport.parkNanos(this, fsyncIntervalNanos);
                }
            }
        } catch (IOException | RuntimeException e) {
            fatal(e);
        }
    }

    /** Says once that the log cannot go on; both threads stop. */
    private void fatal(Exception e) {
        failed = true;
        if (fatalSaid.compareAndSet(false, true)) {
            onFatal.accept(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void complete(List<Runnable> callbacks) {
        if (!callbacks.isEmpty()) {
            Runnable[] batch = callbacks.toArray(Runnable[]::new);
            callbacks.clear();
            completions.execute(() -> {
                for (Runnable r : batch) {
                    r.run();
                }
            });
        }
    }

    private void write(Write w) throws IOException {
        if (w.length() == 0) {
            return; // callbacks only: they wait for what was written before them
        }
        if (segmentBytes >= LogFormat.SEGMENT_BYTES) {
            rollSegment();
        }
        long start = channel.position();
        while (true) {
            try {
                ByteBuffer buf = ByteBuffer.wrap(w.bytes(), 0, w.length());
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                break;
            } catch (IOException e) {
                if (!isNoSpace(e)) {
                    throw new IOException("write to " + dir.resolve(LogFormat.segmentName(segment)) + " failed: " + e, e);
                }
                channel.truncate(start); // no half-written frame stays behind
                channel.position(start);
                waitForSpace();
            }
        }
        spaceAgain();
        queuedBytes.addAndGet(-w.length());
        segmentBytes += w.length();
        stats.bytesWritten.addAndGet(w.length());
        stats.logBytesOnDisk.addAndGet(w.length());
        stats.recordsWritten.addAndGet(w.records());
        unsyncedRecords.addAndGet(w.records());
        if (!dirty) {
            dirtySince = System.nanoTime();
            dirty = true;
        }
    }

    private static boolean isNoSpace(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("No space left") || m.contains("Disk quota exceeded"));
    }

    /**
     * Fsyncs the current segment if anything was written since the last fsync. Either thread; a write racing
     * with it is either covered or marks the log dirty again (fsynced next time).
     */
    private void fsync() throws IOException {
        synchronized (fileLock) {
            if (failed) {
                throw new IOException("the log of shard " + shard + " stopped after an earlier error");
            }
            if (!dirty || closed) {
                return;
            }
            dirty = false; // a write from now on marks it again
            long records = unsyncedRecords.getAndSet(0);
            long position = channel.position(); // on disk up to here once force returns
            long started = System.nanoTime();
            try {
                channel.force(false);
            } catch (IOException e) {
                failed = true; // never retried: every later fsync, on either thread, fails too
                throw new IOException("fsync of " + dir.resolve(LogFormat.segmentName(segment)) + " failed: " + e
                        + "; stopping (the OS may have dropped the written data)", e);
            }
            stats.fsynced(System.nanoTime() - started, records);
            Fsync.traced(dir, LogFormat.segmentName(segment), position);
        }
    }

    /**
     * Fsyncs the current segment, starts the next one, then closes the old one. A full disk while creating the
     * next segment is waited out like a full disk while writing (the writer turns {@link #full()}).
     */
    private void rollSegment() throws IOException {
        synchronized (fileLock) {
            dirty = true; // the header at least: a closed segment is always fsynced whole
            fsync();
            FileChannel next;
            while (true) {
                try {
                    next = createSegment(segment + 1);
                    break;
                } catch (IOException e) {
                    if (!isNoSpace(e)) {
                        throw e;
                    }
                    Files.deleteIfExists(dir.resolve(LogFormat.segmentName(segment + 1)));
                    waitForSpace();
                }
            }
            spaceAgain();
            channel.close();
            channel = next;
            segment++;
        }
    }

    private void openSegment(long n) throws IOException {
        channel = createSegment(n);
        segment = n;
    }

    /** Creates segment {@code n} with its header, fsynced, and fsyncs the directory. */
    private FileChannel createSegment(long n) throws IOException {
        Path file = dir.resolve(LogFormat.segmentName(n));
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            WireWriter header = new WireWriter(32);
            header.u32(0).u32(0).u8(LogFormat.SEGMENT).u32(LogFormat.SEGMENT_MAGIC).u16(LogFormat.FORMAT).u32(shard).i64(n);
            LogFormat.seal(header.array(), 0, header.size());
            ByteBuffer buf = ByteBuffer.wrap(header.array(), 0, header.size());
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
            Fsync.directory(dir);
            segmentBytes = header.size();
            stats.logBytesOnDisk.addAndGet(header.size());
            Fsync.traced(dir, LogFormat.segmentName(n), header.size());
            dirty = false;
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** The disk is full: say so (the shard refuses new writes) and wait a moment before the caller retries. */
    private void waitForSpace() {
        if (!full) {
            full = true;
            stats.fullShards.incrementAndGet();
        }
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(FULL_RETRY_MS));
    }

    private void spaceAgain() {
        if (full) {
            full = false;
            stats.fullShards.decrementAndGet();
        }
    }

    /** True once a fatal error stopped the writer. */
    public boolean failed() {
        return failed;
    }
}
