package io.amdb.node.cluster;

import io.amdb.node.ring.InSyncAnswer;
import io.amdb.node.ring.InSyncChange;
import io.amdb.node.ring.TableKeeper;
import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What members ask of the coordinator over the clustered event bus, both sides: cut a finished migration
 * over, and plan a graceful leave. Requests go to whoever coordinates now; the answers come from its
 * {@link TableKeeper}. Binary bodies: cutover {@code u32 partition, str from, str to, i64 startedAt} answered by
 * one byte ({@link #CUTOVER_REFUSED}, {@link #CUTOVER_ACCEPTED}, {@link #CUTOVER_ALREADY}, {@link #CUTOVER_PENDING});
 * leave the node id as UTF-8, answered by one byte ({@link LeaveAnswer}). docs/PEERS.md has the layouts.
 */
public final class CoordinatorRequests {
    /**
     * Cutover answers: the coordinator refuses (the move is no longer planned, or planned again since the attempt
     * began), proposed it now, had already, or has proposed dropping the move and not committed that yet.
     */
    public static final int CUTOVER_REFUSED = 0;
    public static final int CUTOVER_ACCEPTED = 1;
    public static final int CUTOVER_ALREADY = 2;
    public static final int CUTOVER_PENDING = 3;
    /** Short: a cutover is one table change; an unanswered one is asked again (it is idempotent), maybe of a new coordinator. */
    static final long TIMEOUT_MS = 2_000;

    private final Vertx vertx;
    private final Member self;
    private final Supplier<String> coordinatorId;

    CoordinatorRequests(Vertx vertx, Member self, Supplier<String> coordinatorId) {
        this.vertx = vertx;
        this.self = self;
        this.coordinatorId = coordinatorId;
    }

    static String cutoverAddress(String nodeId) {
        return "amdb.table.cutover." + nodeId;
    }

    static String leaveAddress(String nodeId) {
        return "amdb.table.leave." + nodeId;
    }

    static String acceptLossAddress(String nodeId) {
        return "amdb.table.accept-loss." + nodeId;
    }

    static String inSyncAddress(String nodeId) {
        return "amdb.table.in-sync." + nodeId;
    }

    /**
     * Asks the coordinator to change in-sync sets of partitions this node is primary of (thread-safe); completes on
     * the caller's context with the coordinator's answer, or fails (no coordinator known, no answer in time: the
     * request may still be processed). An accepted change holds once a committed table shows it.
     */
    public Future<InSyncAnswer> changeInSync(List<InSyncChange> changes) {
        String coordinator = coordinatorId.get();
        if (coordinator == null) {
            return Future.failedFuture("no coordinator known yet");
        }
        WireWriter w = new WireWriter(64 + 40 * changes.size());
        w.str(self.nodeId()).u32(changes.size());
        for (InSyncChange c : changes) {
            w.u32(c.partition()).i64(c.term()).str(c.backup()).u8(c.inSync() ? 1 : 0).i64(c.tableEpoch());
        }
        return vertx.eventBus().<Buffer>request(inSyncAddress(coordinator), Buffer.buffer(w.toByteArray()),
                new DeliveryOptions().setSendTimeout(TIMEOUT_MS)).map(m -> {
                    Buffer body = m.body();
                    List<Integer> out = new ArrayList<>();
                    for (int i = 8; i < body.length(); i++) {
                        out.add((int) body.getByte(i));
                    }
                    return new InSyncAnswer(body.getLong(0), out);
                });
    }

    /** The coordinator's side of {@link #changeInSync}. */
    static void answerInSync(TableKeeper keeper, Member self, Message<Buffer> request) {
        if (keeper == null) {
            PeerFailure.UNAVAILABLE.fail(request, self.nodeId() + " is not the coordinator");
            return;
        }
        try {
            byte[] b = request.body().getBytes();
            WireReader r = new WireReader(b, 0, b.length);
            String primary = r.str();
            int n = r.count(4 + 8 + 2 + 1 + 8 + 1);
            List<InSyncChange> changes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int partition = r.u32();
                long term = r.i64();
                String backup = r.str();
                int inSync = r.u8();
                if (inSync > 1) {
                    throw new IllegalArgumentException("in-sync flag " + inSync);
                }
                changes.add(new InSyncChange(partition, term, backup, inSync == 1, r.i64()));
            }
            InSyncAnswer answer = keeper.changeInSync(primary, changes);
            Buffer reply = Buffer.buffer(8 + answer.outcomes().size()).appendLong(answer.epoch());
            for (int outcome : answer.outcomes()) {
                reply.appendByte((byte) outcome);
            }
            request.reply(reply);
        } catch (ProtocolException | IllegalArgumentException e) {
            PeerFailure.MALFORMED.fail(request, "malformed in-sync request: " + e.getMessage());
        }
    }

    /**
     * <b>Loses data on purpose</b>: asks the coordinator to give every LOST partition, empty, to a live member
     * (an operator accepting that their writes are gone). Thread-safe; completes with how many partitions were
     * reassigned (0 when none was LOST); fails when no coordinator answered.
     */
    public Future<Integer> acceptLoss() {
        String coordinator = coordinatorId.get();
        if (coordinator == null) {
            return Future.failedFuture("no coordinator known yet");
        }
        return vertx.eventBus().<Buffer>request(acceptLossAddress(coordinator), Buffer.buffer(),
                new DeliveryOptions().setSendTimeout(TIMEOUT_MS)).map(m -> m.body().getInt(0));
    }

    /** The coordinator's side of {@link #acceptLoss}. */
    static void answerAcceptLoss(TableKeeper keeper, Member self, Message<Buffer> request) {
        if (keeper == null) {
            PeerFailure.UNAVAILABLE.fail(request, self.nodeId() + " is not the coordinator");
            return;
        }
        try {
            int lost = keeper.table().lostPartitions();
            keeper.reassignAllLostAsEmpty();
            request.reply(Buffer.buffer().appendInt(lost));
        } catch (IllegalArgumentException e) {
            PeerFailure.NOT_READY.fail(request, e.getMessage());
        }
    }

    /**
     * Asks the coordinator to cut a finished migration over (thread-safe; the future completes on the
     * caller's context), for the attempt that began with the table of epoch {@code startedAt}: one of the
     * {@code CUTOVER_*} answers (see {@link #cutoverOutcome}); fails when no coordinator answered.
     */
    public Future<Integer> cutover(Migration done, long startedAt) {
        String coordinator = coordinatorId.get();
        if (coordinator == null) {
            return Future.failedFuture("no coordinator known yet");
        }
        WireWriter w = new WireWriter(64);
        w.u32(done.partition()).str(done.fromNode()).str(done.toNode()).i64(startedAt);
        return vertx.eventBus().<Buffer>request(cutoverAddress(coordinator), Buffer.buffer(w.toByteArray()),
                new DeliveryOptions().setSendTimeout(TIMEOUT_MS)).map(m -> (int) m.body().getByte(0));
    }

    /** The coordinator's answer to a leave request (one byte on the wire: its ordinal). */
    public enum LeaveAnswer {
        /** Every member is leaving: there is nowhere to hand the partitions off. */
        NOWHERE,
        /** The handoff is under way (or the leaver is still in the table log's configuration): ask again. */
        WAIT,
        /** The leaver owns nothing, receives nothing, and is out of the table log's configuration: it may stop. */
        STOP
    }

    /**
     * Asks the coordinator to plan this node's graceful leave: every partition it owns migrates to the others,
     * then it leaves the table log's configuration (a voter that stopped while still voting could leave the
     * rest without a quorum). Idempotent: the leaver asks again until the answer is {@link LeaveAnswer#STOP}.
     * Thread-safe; fails when no coordinator answered.
     */
    public Future<LeaveAnswer> leave() {
        String coordinator = coordinatorId.get();
        if (coordinator == null) {
            return Future.failedFuture("no coordinator known yet");
        }
        return vertx.eventBus().<Buffer>request(leaveAddress(coordinator), Buffer.buffer(self.nodeId()),
                new DeliveryOptions().setSendTimeout(TIMEOUT_MS)).map(m -> LeaveAnswer.values()[m.body().getByte(0)]);
    }

    /**
     * The coordinator's side of {@link #cutover}; {@code keeper} null: this node does not coordinate.
     * {@code committed} is the newest table the log committed (the keeper's may be ahead of it).
     */
    static void answerCutover(TableKeeper keeper, PartitionTable committed, Member self, Message<Buffer> request) {
        if (keeper == null) {
            PeerFailure.UNAVAILABLE.fail(request, self.nodeId() + " is not the coordinator");
            return;
        }
        try {
            byte[] b = request.body().getBytes();
            WireReader r = new WireReader(b, 0, b.length);
            Migration done = new Migration(r.u32(), r.str(), r.str());
            long startedAt = r.i64();
            request.reply(Buffer.buffer(new byte[] {(byte) cutoverOutcome(keeper, committed, done, startedAt)}));
        } catch (ProtocolException | IllegalArgumentException e) {
            PeerFailure.MALFORMED.fail(request, "malformed cutover request: " + e.getMessage());
        }
    }

    /**
     * The coordinator's decision on a cutover request, in the order PEERS.md gives: {@link #CUTOVER_ALREADY} when
     * its newest table names the target; {@link #CUTOVER_ACCEPTED} when the keeper proposed the cutover (the move
     * is listed, and has been since before {@code startedAt}); {@link #CUTOVER_PENDING} when the keeper's newest
     * table dropped the move but the committed one still lists it (the drop may yet be lost with this leader, and
     * the source must stay fenced); else {@link #CUTOVER_REFUSED}. A source unfences only on REFUSED, which is
     * given only when no later acceptance of this attempt is possible: the drop is committed, or the move is
     * listed since after the attempt began, and every later keeper's listing starts later still.
     * Pure but for the keeper's own proposal; the simulation answers with it too.
     */
    public static int cutoverOutcome(TableKeeper keeper, PartitionTable committed, Migration done, long startedAt) {
        int p = done.partition();
        Member owner = keeper.table().owner(p);
        if (owner != null && owner.nodeId().equals(done.toNode())) {
            return CUTOVER_ALREADY;
        }
        if (keeper.cutover(done, startedAt)) {
            return CUTOVER_ACCEPTED;
        }
        boolean listed = done.equals(keeper.table().migration(p));
        boolean listedCommitted = committed != null && done.equals(committed.migration(p));
        return !listed && listedCommitted ? CUTOVER_PENDING : CUTOVER_REFUSED;
    }

    /**
     * Whether a fenced source may unfence after asking for its cutover, given the answer ({@code null}: none came,
     * or the request failed). Only REFUSED: after ACCEPTED or ALREADY, or no answer, the cutover may have been
     * committed, and serving again could lose the writes the target takes at the new epoch.
     */
    public static boolean mayUnfence(Integer answer) {
        return answer != null && answer == CUTOVER_REFUSED;
    }

    /**
     * The coordinator's side of {@link #leave}; {@code outOfLog} tells whether a node id is no longer in the table
     * log's configuration.
     */
    static void answerLeave(TableKeeper keeper, Member self, Message<Buffer> request,
            java.util.function.Predicate<String> outOfLog) {
        if (keeper == null) {
            PeerFailure.UNAVAILABLE.fail(request, self.nodeId() + " is not the coordinator");
            return;
        }
        try {
            String leaver = request.body().toString();
            keeper.leave(leaver);
            boolean someoneStays = keeper.table().members().stream().anyMatch(m -> !keeper.leaving().contains(m.nodeId()));
            LeaveAnswer answer = !someoneStays ? LeaveAnswer.NOWHERE
                    : keeper.isDrained(leaver) && outOfLog.test(leaver) ? LeaveAnswer.STOP : LeaveAnswer.WAIT;
            request.reply(Buffer.buffer(new byte[] {(byte) answer.ordinal()}));
        } catch (IllegalArgumentException e) {
            PeerFailure.MALFORMED.fail(request, e.getMessage());
        }
    }
}
