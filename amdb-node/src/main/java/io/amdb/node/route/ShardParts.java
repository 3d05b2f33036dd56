package io.amdb.node.route;

import io.amdb.node.shard.PointBatch;
import io.amdb.protocol.Request;
import io.amdb.node.shard.ShardTask;
import io.amdb.node.table.NodeTable;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Response;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one {@link Exchange} sends its node's shards: point operations gathered into one {@link PointBatch} per
 * shard until {@link #flush}, and whole tasks (scans, stats) sent at once; then which of them failed and
 * which operations a shard refused for their partition's cutover. Every answer is reported to
 * {@code onAnswered}, on the exchange's context. Not thread-safe: the exchange's event loop only.
 */
final class ShardParts {
    private final ShardDispatcher shards;
    private final Runnable onAnswered;
    private final PointBatch[] batches;
    private final List<PointBatch> sent = new ArrayList<>();
    private final Map<ShardTask, String> failures = new IdentityHashMap<>();
    private int outstanding;

    ShardParts(ShardDispatcher shards, Runnable onAnswered) {
        this.shards = shards;
        this.onAnswered = onAnswered;
        this.batches = new PointBatch[shards.shards()];
    }

    /** Adds one point operation to its shard's batch; returns the batch (the operation is its last). */
    PointBatch point(byte op, int partition, byte[] key, byte[] value) {
        PointBatch b = batchOf(partition);
        b.add(op, partition, key, value);
        return b;
    }

    /** Adds a compare-and-set to its shard's batch (see {@link PointBatch#addCas}); returns the batch. */
    PointBatch point(int partition, byte[] key, Request.Condition expect, byte[] value) {
        PointBatch b = batchOf(partition);
        b.addCas(partition, key, expect, value);
        return b;
    }

    private PointBatch batchOf(int partition) {
        int shard = shards.shardOf(partition);
        PointBatch b = batches[shard];
        if (b == null) {
            b = batches[shard] = new PointBatch();
        }
        return b;
    }

    /** Sends the batches built so far (before a whole task, so per-connection order holds). */
    void flush() {
        for (int s = 0; s < batches.length; s++) {
            if (batches[s] != null) {
                sent.add(batches[s]);
                send(s, batches[s]);
                batches[s] = null;
            }
        }
    }

    <T extends ShardTask> T send(int shard, T task) {
        outstanding++;
        shards.send(shard, task).onComplete(ar -> {
            if (ar.failed()) {
                failures.put(task, "shard " + shard + " failed: " + ar.cause().getMessage());
            }
            outstanding--;
            onAnswered.run();
        });
        return task;
    }

    /** Tasks sent and not answered yet. */
    int outstanding() {
        return outstanding;
    }

    /** Whether a shard refused some operation because its partition is in its cutover. */
    boolean anyFenced() {
        return sent.stream().anyMatch(PointBatch::anyFenced);
    }

    /**
     * Whether a partition whose operations were refused is still this node's in the table and still refused: in its
     * cutover, or, for a partition not served here yet, still waiting out the old primary's lease (whose end raises
     * the table's version: {@link io.amdb.node.table.NodeTable#handoffAborted}).
     */
    boolean fencedStillHere(NodeTable table, io.amdb.node.replicate.LeaseGrants grants) {
        PartitionTable current = table.current();
        long now = System.nanoTime();
        for (PointBatch b : sent) {
            for (int i = 0; b.anyFenced() && i < b.size(); i++) {
                Member owner = b.fenced(i) ? current.owner(b.partition(i)) : null;
                if (table.isSelf(owner) && (b.cutover(i) || grants.servesFrom(b.partition(i)) - now > 0)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The response, unless a task it depends on failed: then INTERNAL_ERROR naming the failure. */
    Supplier<Response> guarded(List<? extends ShardTask> deps, Supplier<Response> ok) {
        return () -> {
            for (ShardTask t : deps) {
                String failure = failures.get(t);
                if (failure != null) {
                    return new Response.Error(ErrorCode.INTERNAL_ERROR, failure);
                }
            }
            return ok.get();
        };
    }
}
