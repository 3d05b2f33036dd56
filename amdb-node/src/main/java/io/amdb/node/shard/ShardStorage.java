package io.amdb.node.shard;

import io.amdb.node.persist.Durability;
import io.amdb.node.persist.LogStats;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What a durable shard needs to keep its log: its directory, the segment its log continues in and the log
 * bytes it replayed since its last snapshot (from recovery), the mode, the node's snapshot thread and counters, and where to report a fatal log error.
 *
 * @param onFatal told once when the log cannot go on (an fsync or write error): the node must stop
 * @param warn    told of recoverable trouble (a failed snapshot)
 */
public record ShardStorage(Path dir, long nextSegment, long replayedBytes, Durability mode, long fsyncIntervalMs, long snapshotLogBytes,
                           Executor snapshotIo, LogStats stats, Consumer<String> onFatal, Consumer<String> warn) {}
