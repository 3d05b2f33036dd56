package io.amdb.node.persist;

import io.amdb.node.storage.ShardStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One shard's store with its real log and snapshotter in a directory, driven from the test thread as if
 * it were the shard's event loop: completions are queued on a single "loop" executor and the test waits for
 * them. For the persist tests; no Vert.x.
 */
final class LoggedShard implements AutoCloseable {
    static final int PARTITIONS = 16;

    final Path dir;
    final ShardStore store;
    final ShardLog log;
    final LogStats stats = new LogStats();
    final Snapshotter snapshotter;
    final AtomicReference<String> fatal = new AtomicReference<>();
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-snapshot"));

    /** Recovers the shard from {@code dir} (strict mode) and opens its log for writing. */
    static LoggedShard open(Path dir, Durability mode) throws IOException {
        Recovery.Result r = new Recovery(dir, 0, PARTITIONS, 42, false, m -> { }).run();
        return new LoggedShard(dir, r, mode);
    }

    LoggedShard(Path dir, Recovery.Result recovered, Durability mode) {
        this.dir = dir;
        this.store = recovered.store();
        LogWriter writer = new LogWriter(dir, 0, recovered.nextSegment(), mode, 5, loop, fatal::set, stats);
        this.log = new ShardLog(writer);
        store.setJournal(log);
        this.snapshotter = new Snapshotter(dir, 0, store, log, loop, io, stats, m -> { }, Long.MAX_VALUE);
    }

    /** Runs {@code change} on the loop, commits, and waits until the log acknowledges it. */
    void write(Runnable change) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            change.run();
            log.whenDurable(() -> done.complete(null), false);
            log.commit();
        });
        done.get(30, TimeUnit.SECONDS);
    }

    /** Runs {@code change} on the loop without waiting for the log (a write in flight at a crash). */
    void writeNoWait(Runnable change) throws Exception {
        loop.submit(() -> {
            change.run();
            log.commit();
        }).get(30, TimeUnit.SECONDS);
    }

    /** Takes a snapshot and waits for it to be published; returns the file. */
    Path snapshot() throws Exception {
        CompletableFuture<Path> done = new CompletableFuture<>();
        loop.execute(() -> snapshotter.start(done::complete));
        return done.get(30, TimeUnit.SECONDS);
    }

    /** Closes the log cleanly (everything written and fsynced). */
    @Override
    public void close() throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        loop.execute(() -> {
            log.flush();
            log.writer().close(() -> closed.complete(null));
        });
        closed.get(30, TimeUnit.SECONDS);
        loop.shutdown();
        io.shutdown();
        loop.awaitTermination(10, TimeUnit.SECONDS);
        io.awaitTermination(10, TimeUnit.SECONDS);
    }
}
