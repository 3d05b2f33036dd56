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
 * With replication, the copy may be a <b>resume</b>: a target whose own copy holds a history this primary continues (a
 * node back on its data directory) gets only the changes since its position, in the first chunk, then the fence.
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
    /** How long the source waits for its target's position before it copies the partition in full. */
    static final long POSITION_ASK_MS = 500;

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
        } else if (t != null && t.replicationFactor() > 1) {
            askPosition();
        } else {
            copyNext();
        }
    }

    /**
     * A target that holds a copy of the partition (a node back on its data directory) may hold a history this primary
     * continues: asked where it stands, it gets only the changes since, when the shard still keeps them. Any other
     * answer, or none within {@link #POSITION_ASK_MS}, copies the partition in full.
     */
    private void askPosition() {
        io.amdb.protocol.WireWriter w = new io.amdb.protocol.WireWriter(8);
        w.u32(1).u32(migration.partition());
        service.vertx().eventBus().<io.vertx.core.buffer.Buffer>request(
                io.amdb.node.replicate.ReplicaEndpoint.positionsAddress(migration.toNode()),
                io.vertx.core.buffer.Buffer.buffer(w.toByteArray()), new DeliveryOptions().setSendTimeout(POSITION_ASK_MS))
                .onComplete(ar -> {
                    long[] at = ar.succeeded() ? position(ar.result().body().getBytes()) : null;
                    if (at == null || at[0] < 0) {
                        copyNext();
                    } else {
                        resume(at[0], at[1]);
                    }
                });
    }

    /** The {@code (term, sequence)} of a positions answer for one partition, or null when it does not decode. */
    private static long[] position(byte[] body) {
        try {
            io.amdb.protocol.WireReader r = new io.amdb.protocol.WireReader(body, 0, body.length);
            long[] at = {r.i64(), r.i64()};
            r.expectEnd();
            return at;
        } catch (io.amdb.protocol.ProtocolException e) {
            return null;
        }
    }

    private void resume(long heldTerm, long heldSequence) {
        if (cancelled) {
            end(false, "replanned");
            return;
        }
        HandoffTask task = HandoffTask.resume(migration.partition(), heldTerm, heldSequence);
        service.shards().send(shard, task).onComplete(ar -> {
            if (ar.failed()) {
                end(false, "resume failed: " + ar.cause().getMessage());
            } else if (task.resumedTerm() < 0) {
                copyNext(); // this primary's history does not continue the target's copy, or is no longer kept
            } else {
                service.stats().resumed();
                ship(task, Chunk.RESUME, new Chunk.Resume(heldTerm, heldSequence, task.resumedTerm()), this::fence);
            }
        });
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
                ship(task, 0, null, () -> {
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
                ship(task, Chunk.FINAL, null, this::cutover);
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

    /** Sends the task's changes to the target ({@code resume}: for a RESUME chunk); runs {@code next} once it applied them. */
    private void ship(HandoffTask task, int flags, Chunk.Resume resume, Runnable next) {
        int allFlags = flags | (first ? Chunk.RESET : 0);
        Chunk chunk = new Chunk(migration.partition(), allFlags, migration.fromNode(), attempt, startedAt, seq,
                task.ops(), resume, task.bytes(), 0, task.size());
        service.vertx().eventBus().request(MigrationService.address(migration.toNode()), chunk.encode(),
                new DeliveryOptions().setSendTimeout(SHIP_TIMEOUT_MS)).onComplete(ar -> {
                    if (ar.succeeded()) {
                        first = false;
                        seq++;
                        notReady = 0;
                        service.stats().shipped(task.ops(), task.size());
                        next.run();
                    } else if (PeerFailure.NOT_READY.is(ar.cause()) && ++notReady <= NOT_READY_RETRIES && !cancelled) {
                        service.vertx().setTimer(NOT_READY_DELAY_MS, id -> ship(task, flags, resume, next));
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
