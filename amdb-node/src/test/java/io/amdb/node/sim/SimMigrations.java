package io.amdb.node.sim;

import io.amdb.node.cluster.CoordinatorRequests;
import io.amdb.node.shard.HandoffTask;
import io.amdb.node.shard.ReceiveTask;
import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One node's migrations, both sides, mirroring {@code migrate/MigrationService} (reconcile on every installed
 * table: hold, reclaim, drop; start moves; receive chunks in sequence) and {@code migrate/Outbound} (copy, fence,
 * final chunk, ask the coordinator to cut over, wait for a committed table naming the target, drop). The shard's
 * side runs for real on the node's {@code ShardStore}: {@link HandoffTask} and {@link ReceiveTask}; the unfence
 * decision is the production {@link CoordinatorRequests#mayUnfence}.
 */
final class SimMigrations {
    static final int PARALLEL = 16;
    static final int CHUNK_ENTRIES = 3; // small, so that moves take several chunks and interleave with writes
    static final long SHIP_TIMEOUT_MS = 30_000;
    static final int NOT_READY_RETRIES = 100;
    static final long NOT_READY_DELAY_MS = 20;
    static final long CUTOVER_TIMEOUT_MS = 2_000;
    static final long CUTOVER_RETRY_MS = 500;
    static final long RETRY_AFTER_ABORT_MS = 500;

    enum ChunkAnswer { OK, NOT_READY, OUT_OF_SEQUENCE, NONE }

    /** A migration chunk (migrate/Chunk): the changes to apply, in order. */
    record Chunk(int partition, boolean reset, boolean last, String fromNode, long attempt, long startedAt, int seq,
            byte[] ops) {}

    private final SimNode node;
    private final Map<Integer, Move> active = new HashMap<>();
    private final Map<Integer, Long> abortedAt = new HashMap<>();
    private final Map<Integer, long[]> inbound = new HashMap<>();
    private final boolean[] held;
    private final boolean[] handedOff;

    SimMigrations(SimNode node, boolean[] recovered) {
        this.node = node;
        this.held = recovered.clone();
        this.handedOff = new boolean[recovered.length];
    }

    /** MigrationService.reconcile. */
    void reconcile(PartitionTable newer) {
        for (Move o : new ArrayList<>(active.values())) {
            o.onTable(newer);
        }
        boolean restoring = newer.lostPartitions() == newer.partitions();
        for (int p = 0; p < held.length; p++) {
            Member owner = newer.owner(p);
            Migration m = newer.migration(p);
            boolean mine = owner != null && owner.nodeId().equals(node.id);
            boolean incoming = m != null && m.toNode().equals(node.id);
            if (mine || incoming) {
                held[p] = true;
                if (handedOff[p]) {
                    handedOff[p] = false;
                    if (!incoming) {
                        ReceiveTask.reclaim(p).runOn(node.store, Integer.MAX_VALUE);
                    }
                }
            } else if (held[p] && !active.containsKey(p) && !(newer.isLost(p)
                    && (node.id.equals(newer.lostFrom(p)) || restoring))) {
                held[p] = false;
                node.sim.trace(node.id + " drops partition " + p);
                inbound.remove(p);
                if (node.finalAttempt.remove(p) != null) {
                    node.sim.checks.dropsCutOverCopy(node, p, newer);
                }
                ReceiveTask.drop(p, () -> true).runOn(node.store, Integer.MAX_VALUE); // the sim applies tables at once
            }
        }
        startMoves();
    }

    private void startMoves() {
        PartitionTable table = node.current();
        for (Migration m : table.migrations()) {
            if (active.size() >= PARALLEL) {
                return;
            }
            Long aborted = abortedAt.get(m.partition());
            if (node.member().equals(table.member(m.fromNode())) && !active.containsKey(m.partition())
                    && (aborted == null || node.sim.now() - aborted >= RETRY_AFTER_ABORT_MS)) {
                node.sim.trace(node.id + " starts moving " + m);
                Move move = new Move(m, table.epoch());
                active.put(m.partition(), move);
                move.copyNext();
            }
        }
    }

    private void ended(Move move, boolean handedOffNow) {
        int p = move.migration.partition();
        active.remove(p);
        if (handedOffNow) {
            abortedAt.remove(p);
            handedOff[p] = true;
        } else {
            abortedAt.put(p, node.sim.now());
            node.handoffAborted();
            node.later(RETRY_AFTER_ABORT_MS, this::startMoves);
        }
        startMoves();
    }

    /** MigrationService.receive: only for the move this node's table lists, in sequence within an attempt. */
    ChunkAnswer receive(Chunk chunk) {
        int p = chunk.partition();
        PartitionTable table = node.current();
        Migration planned = table == null ? null : table.migration(p);
        if (planned == null || !planned.fromNode().equals(chunk.fromNode()) || !planned.toNode().equals(node.id)
                || table.epoch() < chunk.startedAt()) {
            return ChunkAnswer.NOT_READY;
        }
        long[] expected = inbound.get(p);
        if (!io.amdb.node.migrate.MigrationService.chunkFollows(chunk.reset(), chunk.attempt(), chunk.seq(), expected)) {
            return ChunkAnswer.OUT_OF_SEQUENCE;
        }
        inbound.put(p, new long[] {chunk.attempt(), chunk.seq() + 1L});
        held[p] = true;
        ReceiveTask.apply(p, chunk.reset(), chunk.ops(), 0, chunk.ops().length).runOn(node.store, Integer.MAX_VALUE);
        if (chunk.last()) {
            node.finalAttempt.put(p, chunk.attempt());
        } else if (chunk.reset()) {
            node.finalAttempt.remove(p);
        }
        return ChunkAnswer.OK;
    }

    /** One partition leaving this node: Outbound's numbered steps. */
    private final class Move {
        private enum State { COPYING, FENCED, AWAITING_TABLE, ENDED }

        final Migration migration;
        private final long startedAt;
        private State state = State.COPYING;
        private boolean cancelled;
        private boolean first = true;
        private int notReady;
        private boolean asking;
        private final long attempt = node.sim.random.nextLong();
        private int seq;

        Move(Migration migration, long startedAt) {
            this.migration = migration;
            this.startedAt = startedAt;
        }

        void onTable(PartitionTable table) {
            int p = migration.partition();
            Member owner = table.owner(p);
            if (state == State.AWAITING_TABLE) {
                if (owner != null && owner.nodeId().equals(migration.toNode())) {
                    end(true);
                }
            } else if (!migration.equals(table.migration(p))) {
                cancelled = true;
            }
        }

        void copyNext() {
            if (cancelled) {
                end(false);
                return;
            }
            HandoffTask task = HandoffTask.copy(migration.partition(), CHUNK_ENTRIES, 1 << 20);
            task.runOn(node.store, Integer.MAX_VALUE);
            ship(task, false, () -> {
                if (task.copiedAll()) {
                    fence();
                } else {
                    copyNext();
                }
            });
        }

        private void fence() {
            if (cancelled) {
                end(false);
                return;
            }
            state = State.FENCED;
            HandoffTask task = HandoffTask.fence(migration.partition());
            task.runOn(node.store, Integer.MAX_VALUE);
            ship(task, true, this::cutover);
        }

        private void cutover() {
            state = State.AWAITING_TABLE;
            asking = true;
            SimCall<Integer> call = SimCall.of(node, CUTOVER_TIMEOUT_MS, null, answer -> {
                asking = false;
                if (state != State.AWAITING_TABLE) {
                    return;
                }
                if (CoordinatorRequests.mayUnfence(answer)) {
                    end(false);
                    return;
                }
                onTable(node.current());
                if (state == State.AWAITING_TABLE) {
                    node.later(CUTOVER_RETRY_MS, this::recheck);
                }
            });
            String coordinator = node.knownLeader;
            if (coordinator == null) {
                node.local(() -> call.complete(null));
                return;
            }
            String self = node.id;
            node.send(coordinator, c -> {
                Integer answer = c.answerCutover(migration, attempt, startedAt);
                c.send(self, back -> call.complete(answer));
            });
        }

        private void recheck() {
            if (state != State.AWAITING_TABLE || asking) {
                return;
            }
            onTable(node.current());
            if (state == State.AWAITING_TABLE) {
                cutover();
            }
        }

        private void ship(HandoffTask task, boolean last, Runnable next) {
            Chunk chunk = new Chunk(migration.partition(), first, last, migration.fromNode(), attempt, startedAt, seq,
                    Arrays.copyOf(task.bytes(), task.size()));
            SimCall<ChunkAnswer> call = SimCall.of(node, SHIP_TIMEOUT_MS, ChunkAnswer.NONE, answer -> {
                if (state == State.ENDED) {
                    return;
                }
                if (answer == ChunkAnswer.OK) {
                    first = false;
                    seq++;
                    notReady = 0;
                    node.local(next);
                } else if (answer == ChunkAnswer.NOT_READY && ++notReady <= NOT_READY_RETRIES && !cancelled) {
                    node.later(NOT_READY_DELAY_MS, () -> ship(task, last, next));
                } else {
                    end(false);
                }
            });
            String self = node.id;
            node.send(migration.toNode(), target -> {
                ChunkAnswer answer = target.migrations.receive(chunk);
                node.sim.trace(target.id + " receives " + (chunk.last() ? "the final " : "a ") + "chunk of "
                        + migration + " (attempt " + chunk.attempt() + ", seq " + chunk.seq() + "): " + answer);
                target.send(self, back -> call.complete(answer));
            });
        }

        private void end(boolean handedOffNow) {
            if (state == State.ENDED) {
                return;
            }
            state = State.ENDED;
            node.sim.trace(node.id + " ends " + migration + (handedOffNow ? " handed off" : " aborted"));
            HandoffTask.end(migration.partition(), handedOffNow).runOn(node.store, Integer.MAX_VALUE);
            ended(this, handedOffNow);
        }
    }
}
