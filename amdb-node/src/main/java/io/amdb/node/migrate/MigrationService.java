package io.amdb.node.migrate;

import io.amdb.node.cluster.PeerFailure;
import io.amdb.node.route.ShardDispatcher;
import io.amdb.node.table.NodeTable;
import io.amdb.node.shard.ReceiveTask;
import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Runs this node's side of every migration in the table: as source, at most {@link #PARALLEL} partitions
 * at a time ({@link Outbound}); as target, applies the chunks it is sent, to shards it does not serve yet
 * (the table fences them until the cutover); and drops partitions it holds but neither owns nor receives.
 *
 * <p>State lives on this verticle's context: tables arrive through {@link #tableInstalled} (any thread),
 * chunks over the clustered event bus at {@link #address}.
 */
public final class MigrationService extends VerticleBase {
    /**
     * Partitions this node sends at once: bounds the memory (a chunk of at most ~1 MiB each) and event-loop
     * share a rebalance takes. Measured on 2 cores with 1M keys: 16 balanced a join ~30% sooner than 4
     * (0.5-0.6 s vs 0.7-0.8 s) with the same event-loop stalls; the per-partition round trips dominate.
     */
    public static final int PARALLEL = 16;
    /** A partition whose move aborted is retried no sooner than this. */
    static final long RETRY_AFTER_ABORT_MS = 500;

    private final Member self;
    private final ShardDispatcher shards;
    private final MigrationStats stats;
    private final NodeTable nodeTable;
    private final BiFunction<Migration, Long, Future<Integer>> cutover;
    private final Map<Integer, Outbound> active = new HashMap<>();
    private final Map<Integer, Long> abortedAt = new HashMap<>();
    private final Map<Integer, long[]> inbound = new HashMap<>(); // partition -> {attempt, next seq}
    private PartitionTable table;
    private boolean[] held;
    private boolean[] handedOff; // the shard keeps a gone-marker for these (see Handoff)
    private final boolean[] recovered;

    /**
     * @param cutover asks the coordinator to cut a finished migration over, for the attempt that began with the
     *                table of the given epoch ({@code CoordinatorRequests.CUTOVER_*})
     */
    public MigrationService(Member self, ShardDispatcher shards, MigrationStats stats, NodeTable nodeTable,
            BiFunction<Migration, Long, Future<Integer>> cutover) {
        this(self, shards, stats, nodeTable, cutover, null);
    }

    /**
     * @param recovered the partitions this node's shards hold data for after recovery (null: none): they are
     *                  dropped like any other held partition once a table gives them to someone else
     */
    public MigrationService(Member self, ShardDispatcher shards, MigrationStats stats, NodeTable nodeTable,
            BiFunction<Migration, Long, Future<Integer>> cutover, boolean[] recovered) {
        this.recovered = recovered;
        this.self = self;
        this.shards = shards;
        this.stats = stats;
        this.nodeTable = nodeTable;
        this.cutover = cutover;
    }

    public static String address(String nodeId) {
        return "amdb.migrate." + nodeId;
    }

    /** Where this node answers which partitions it holds a copy of (the table coordinator asks: docs/PEERS.md). */
    public static String heldAddress(String nodeId) {
        return "amdb.table.held." + nodeId;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<Buffer>consumer(heldAddress(self.nodeId()), m -> m.reply(Buffer.buffer(heldNow().toByteArray())));
        return vertx.eventBus().<Buffer>consumer(address(self.nodeId()), this::receive).completion();
    }

    /**
     * The partitions this node's shards hold a copy of now: recovered from its data directory, received, or
     * owned; a copy is let go only when a committed table gives the partition to someone else. What a member
     * that was away (paused, cut off, restarted on its directory) claims back.
     */
    private java.util.BitSet heldNow() {
        java.util.BitSet out = new java.util.BitSet();
        boolean[] h = held != null ? held : recovered;
        for (int p = 0; h != null && p < h.length; p++) {
            if (h[p]) {
                out.set(p);
            }
        }
        return out;
    }

    /** A {@link NodeTable} listener (thread-safe): the node installed a newer table. */
    public void tableInstalled(PartitionTable newer) {
        context.runOnContext(v -> reconcile(newer));
    }

    ShardDispatcher shards() {
        return shards;
    }

    MigrationStats stats() {
        return stats;
    }

    Member self() {
        return self;
    }

    io.vertx.core.Vertx vertx() {
        return vertx;
    }

    PartitionTable table() {
        return table;
    }

    Future<Integer> requestCutover(Migration done, long startedAt) {
        return cutover.apply(done, startedAt);
    }

    private void reconcile(PartitionTable newer) {
        assert table == null || newer.epoch() > table.epoch() : "NodeTable calls its listeners in epoch order";
        table = newer;
        if (held == null) {
            held = recovered == null ? new boolean[newer.partitions()] : recovered.clone();
            handedOff = new boolean[newer.partitions()];
        }
        for (Outbound o : new ArrayList<>(active.values())) {
            o.onTable(newer);
        }
        boolean restoring = newer.lostPartitions() == newer.partitions();
        // Before the table lists this process, the coordinator has not planned its arrival: a copy recovered from the
        // data directory is kept until then, as the backup the plan may make it (caught up instead of copied again).
        boolean arriving = !self.equals(newer.member(self.nodeId()));
        for (int p = 0; p < held.length; p++) {
            boolean incoming = incoming(newer, p);
            boolean backup = newer.backups(p).contains(self); // streamed by its primary, not moved here
            if (gives(newer, p)) {
                held[p] = true;
                if (handedOff[p]) {
                    handedOff[p] = false;
                    if (!incoming && !backup) { // given back empty (a lost partition reassigned): serve it from scratch
                        shards.send(shards.shardOf(p), ReceiveTask.reclaim(p));
                    } // receiving it: the first chunk, a RESET, reclaims it
                }
            } else if (held[p] && !active.containsKey(p) && !arriving && !(newer.isLost(p)
                    && (self.nodeId().equals(newer.lostFrom(p)) || restoring))) {
                // Handed off, or an abandoned partial or stale copy: let it go. A partition LOST with this very
                // node is kept: it is the copy this node claims back (and nobody may be given it while LOST).
                // While a whole cluster restores (every partition LOST) nothing is dropped: the coordinator may
                // still learn of a newer saved table that makes this copy the one to claim.
                held[p] = false;
                inbound.remove(p);
                int dropped = p;
                shards.send(shards.shardOf(p), ReceiveTask.drop(p, () -> !gives(nodeTable.current(), dropped)));
            }
        }
        startMoves();
    }

    /** Whether {@code t} gives this node the partition: as its owner, its migration's target, or a backup. */
    private boolean gives(PartitionTable t, int p) {
        Member owner = t.owner(p);
        return owner != null && owner.nodeId().equals(self.nodeId()) || incoming(t, p) || t.backups(p).contains(self);
    }

    private boolean incoming(PartitionTable t, int p) {
        Migration m = t.migration(p);
        return m != null && m.toNode().equals(self.nodeId());
    }

    private void startMoves() {
        long now = System.currentTimeMillis();
        for (Migration m : table.migrations()) {
            if (active.size() >= PARALLEL) {
                return;
            }
            Long aborted = abortedAt.get(m.partition());
            // Only this process's moves: a table that names this node id at another address names a previous
            // process, whose attempt (and its cutover request) may still complete; a new attempt would reset the
            // target's copy under it.
            if (self.equals(table.member(m.fromNode())) && !active.containsKey(m.partition())
                    && (aborted == null || now - aborted >= RETRY_AFTER_ABORT_MS)) {
                Outbound move = new Outbound(m, table.epoch(), this);
                active.put(m.partition(), move);
                stats.started();
                move.start();
            }
        }
    }

    void ended(Outbound move, boolean handedOff) {
        int p = move.migration().partition();
        active.remove(p);
        stats.finished(handedOff);
        if (handedOff) {
            abortedAt.remove(p);
            this.handedOff[p] = true;
        } else {
            abortedAt.put(p, System.currentTimeMillis());
            nodeTable.handoffAborted(); // requests that waited on its fence are served here again
            vertx.setTimer(RETRY_AFTER_ABORT_MS, id -> startMoves());
        }
        startMoves();
    }

    /**
     * Whether a target applies a chunk, given what it holds of the partition's move ({@code expected}: the attempt
     * and the next seq, or null): a RESET chunk starts an attempt unless it repeats the first chunk of the attempt
     * in progress (a late copy of it would drop everything received since), and any other chunk must be the next
     * one of the attempt in progress. The simulation receives with it too.
     */
    public static boolean chunkFollows(boolean reset, long attempt, int seq, long[] expected) {
        boolean current = expected != null && expected[0] == attempt;
        return reset ? !(current && expected[1] > seq) : current && expected[1] == seq;
    }

    private void receive(Message<Buffer> message) {
        Chunk chunk;
        try {
            chunk = Chunk.decode(message.body());
        } catch (ProtocolException e) {
            PeerFailure.MALFORMED.fail(message, "malformed migration chunk: " + e.getMessage());
            return;
        }
        int p = chunk.partition();
        Migration planned = table == null || p >= table.partitions() ? null : table.migration(p);
        if (planned == null || !planned.fromNode().equals(chunk.fromNode()) || !planned.toNode().equals(self.nodeId())
                || table.epoch() < chunk.startedAt()) {
            PeerFailure.NOT_READY.fail(message, "no migration of partition " + p + " from " + chunk.fromNode() + " to "
                    + self.nodeId() + " at epoch " + (table == null ? 0 : table.epoch()) + " (the attempt began at epoch "
                    + chunk.startedAt() + ")");
            return;
        }
        long[] expected = inbound.get(p);
        if (!chunkFollows(chunk.reset(), chunk.attempt(), chunk.seq(), expected)) {
            PeerFailure.OUT_OF_SEQUENCE.fail(message, "chunk " + chunk.seq() + " of partition " + p + " does not follow what "
                    + self.nodeId() + " holds of that move; start over");
            return;
        }
        inbound.put(p, new long[] {chunk.attempt(), chunk.seq() + 1L});
        held[p] = true;
        Chunk.Resume resume = chunk.resume();
        ReceiveTask apply = resume == null ? ReceiveTask.apply(p, chunk.reset(), chunk.ops(), chunk.off(), chunk.len())
                : ReceiveTask.resume(p, resume.heldTerm(), resume.from(), resume.term(), chunk.ops(), chunk.off(), chunk.len());
        shards.send(shards.shardOf(p), apply)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        inbound.remove(p); // what was applied is unknown: only a RESET may follow
                    }
                    if (ar.succeeded()) {
                        stats.received(chunk.keys());
                        message.reply(Buffer.buffer());
                    } else {
                        PeerFailure.FAILED.fail(message, "applying chunk of partition " + p + ": " + ar.cause().getMessage());
                    }
                });
    }
}
