package io.amdb.node.migrate;

import io.amdb.node.cluster.CoordinatorRequests;
import io.amdb.node.cluster.PeerFailure;
import io.amdb.node.shard.HandoffTask;
import io.amdb.protocol.Migration;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves one partition from this node to its planned target, on the migration service's context:
 * <ol>
 * <li><b>copy</b>: chunk after chunk (each with the changes logged since the one before) until the copy
 *     has reached the end of the partition; reads and writes go on meanwhile;</li>
 * <li><b>fence</b>: the shard refuses the partition's requests from now on (they wait, see
 *     {@code NodeTable}) and hands over the last changes, sent as the final chunk;</li>
 * <li><b>cutover</b>: the coordinator publishes the next epoch with the target as owner;</li>
 * <li><b>end</b>: once this node holds that table, the shard drops its copy, unless the table lists this node as a
 *     backup of the partition (the cutover lists the old owner in sync): then it keeps it, and follows the new
 *     primary's stream.</li>
 * </ol>
 * A move to one of the partition's in-sync backups (<b>transfer</b>) copies nothing: that backup holds the partition
 * already. The shard fences the partition and waits until the backup's stream confirms every change made here,
 * then the cutover follows as above; the partition keeps all its in-sync copies throughout.
 * Any failure before the cutover, or a replan that no longer wants this move, aborts: the shard serves the
 * partition again with nothing lost (the target's partial copy is dropped when its table says so).
 */
final class Outbound {
    private static final Logger LOG = Logger.getLogger(Outbound.class.getName());
    /** Entries per chunk, and bytes: a chunk is one shard task and one event-bus message. */
    static final int CHUNK_ENTRIES = 4096;
    static final long CHUNK_BYTES = 1 << 20;
    /** A target that has not installed the table with this migration yet answers NOT_READY; retry this long. */
    static final int NOT_READY_RETRIES = 100;
    static final long NOT_READY_DELAY_MS = 20;
    static final long SHIP_TIMEOUT_MS = 30_000;
    static final long CUTOVER_RETRY_MS = 500;

    private enum State { COPYING, FENCED, AWAITING_TABLE, ENDED }

    private final Migration migration;
    private final long startedAt; // the epoch of the table with which this attempt began: the cutover names it
    private final MigrationService service;
    private final int shard;
    private State state = State.COPYING;
    private boolean cancelled;
    private boolean first = true;
    private int notReady;
    private boolean asking;
    private final long attempt = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    private int seq;

    Outbound(Migration migration, long startedAt, MigrationService service) {
        this.migration = migration;
        this.startedAt = startedAt;
        this.service = service;
        this.shard = service.shards().shardOf(migration.partition());
    }

    Migration migration() {
        return migration;
    }

    void start() {
        PartitionTable t = service.table();
        boolean toInSyncBackup = t != null && t.owner(migration.partition()) != null
                && t.inSync(migration.partition()).stream().skip(1).anyMatch(m -> m.nodeId().equals(migration.toNode()));
        if (toInSyncBackup) {
            transfer();
        } else {
            copyNext();
        }
    }

    /** A move to an in-sync backup: fence, wait for the backup to hold everything, then cut over. */
    private void transfer() {
        if (cancelled) {
            end(false, "replanned");
            return;
        }
        state = State.FENCED;
        HandoffTask task = HandoffTask.transfer(migration.partition(), migration.toNode());
        service.shards().send(shard, task).onComplete(ar -> {
            if (ar.failed()) {
                end(false, "fence failed: " + ar.cause().getMessage());
            } else if (!task.held()) {
                end(false, "the backup " + migration.toNode() + " did not confirm every change in time");
            } else {
                cutover();
            }
        });
    }

    /** A newer table: finishes once it names the target; before the fence, notes a replan that dropped this move. */
    void onTable(PartitionTable table) {
        int p = migration.partition();
        Member owner = table.owner(p);
        if (state == State.AWAITING_TABLE) {
            if (owner != null && owner.nodeId().equals(migration.toNode())) {
                end(true, null);
            } // otherwise only the coordinator's answer may end it: see cutover()
        } else if (!migration.equals(table.migration(p))) {
            cancelled = true; // acted on at the next step, which never overlaps a shard task in flight
        }
    }

    private void copyNext() {
        if (cancelled) {
            end(false, "replanned");
            return;
        }
        HandoffTask task = HandoffTask.copy(migration.partition(), CHUNK_ENTRIES, CHUNK_BYTES);
        service.shards().send(shard, task).onComplete(ar -> {
            if (ar.failed()) {
                end(false, "copy failed: " + ar.cause().getMessage());
            } else {
                ship(task, 0, () -> {
                    if (task.copiedAll()) {
                        fence();
                    } else {
                        copyNext();
                    }
                });
            }
        });
    }

    private void fence() {
        if (cancelled) {
            end(false, "replanned");
            return;
        }
        state = State.FENCED;
        HandoffTask task = HandoffTask.fence(migration.partition());
        service.shards().send(shard, task).onComplete(ar -> {
            if (ar.failed()) {
                end(false, "fence failed: " + ar.cause().getMessage());
            } else {
                ship(task, Chunk.FINAL, this::cutover);
            }
        });
    }

    /**
     * Asks the coordinator to cut over, one request at a time. Once fenced, only a REFUSED answer (the move is
     * no longer planned, or planned again since this attempt began, and this node still owns the partition) may
     * unfence it: after ACCEPTED, ALREADY or PENDING, or no answer, the cutover may have happened (or may still),
     * and unfencing could lose writes the target takes at the new epoch. So the move waits for a table naming the
     * target, re-reading the table and asking again every {@link #CUTOVER_RETRY_MS} (the publication may have been
     * lost with a coordinator that died).
     */
    private void cutover() {
        state = State.AWAITING_TABLE;
        asking = true;
        service.requestCutover(migration, startedAt).onComplete(ar -> {
            asking = false;
            if (state != State.AWAITING_TABLE) {
                return;
            }
            if (CoordinatorRequests.mayUnfence(ar.succeeded() ? ar.result() : null)) {
                end(false, "the coordinator no longer plans this move");
                return;
            }
            onTable(service.table()); // the new table may have arrived before the answer
            if (state == State.AWAITING_TABLE) {
                service.vertx().setTimer(CUTOVER_RETRY_MS, id -> recheck());
            }
        });
    }

    private void recheck() {
        if (state != State.AWAITING_TABLE || asking) {
            return;
        }
        onTable(service.table()); // committed tables reach the service through the table log
        if (state == State.AWAITING_TABLE) {
            cutover();
        }
    }

    /** Sends the task's changes to the target; runs {@code next} once it applied them. */
    private void ship(HandoffTask task, int flags, Runnable next) {
        int allFlags = flags | (first ? Chunk.RESET : 0);
        Chunk chunk = new Chunk(migration.partition(), allFlags, migration.fromNode(), attempt, startedAt, seq,
                task.ops(), task.bytes(), 0, task.size());
        service.vertx().eventBus().request(MigrationService.address(migration.toNode()), chunk.encode(),
                new DeliveryOptions().setSendTimeout(SHIP_TIMEOUT_MS)).onComplete(ar -> {
                    if (ar.succeeded()) {
                        first = false;
                        seq++;
                        notReady = 0;
                        service.stats().shipped(task.ops(), task.size());
                        next.run();
                    } else if (PeerFailure.NOT_READY.is(ar.cause()) && ++notReady <= NOT_READY_RETRIES && !cancelled) {
                        service.vertx().setTimer(NOT_READY_DELAY_MS, id -> ship(task, flags, next));
                    } else {
                        end(false, "shipping to " + migration.toNode() + " failed: " + ar.cause().getMessage());
                    }
                });
    }

    private void end(boolean handedOff, String why) {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        if (why != null) {
            LOG.log(Level.INFO, "migration {0} aborted: {1}", new Object[] {migration, why});
        }
        PartitionTable t = service.table();
        boolean backupNow = t != null && t.backups(migration.partition()).contains(service.self());
        service.shards().send(shard, HandoffTask.end(migration.partition(), handedOff && !backupNow))
                .onComplete(ar -> service.ended(this, handedOff));
    }
}
