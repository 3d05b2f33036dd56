package io.amdb.node.cluster;

import io.amdb.node.ring.TableKeeper;
import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.function.Supplier;

/**
 * What members ask of the coordinator over the clustered event bus, both sides: cut a finished migration
 * over, and plan a graceful leave. Requests go to whoever coordinates now; the answers come from its
 * {@link TableKeeper}. Binary bodies: cutover {@code u32 partition, str from, str to} answered by one byte
 * ({@link #CUTOVER_REFUSED}, {@link #CUTOVER_ACCEPTED}, {@link #CUTOVER_ALREADY}); leave the node id as UTF-8,
 * answered by one byte (1: some member stays to take the partitions).
 */
public final class CoordinatorRequests {
    /** Cutover answers: the coordinator refuses (the move is no longer planned), published it now, or had already. */
    public static final int CUTOVER_REFUSED = 0;
    public static final int CUTOVER_ACCEPTED = 1;
    public static final int CUTOVER_ALREADY = 2;
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
     * caller's context): {@link #CUTOVER_ACCEPTED} when it published the table with the target as owner,
     * {@link #CUTOVER_ALREADY} when its table already names the target, {@link #CUTOVER_REFUSED} when the move
     * is no longer planned and the source still owns the partition; fails when no coordinator answered.
     */
    public Future<Integer> cutover(Migration done) {
        String coordinator = coordinatorId.get();
        if (coordinator == null) {
            return Future.failedFuture("no coordinator known yet");
        }
        WireWriter w = new WireWriter(64);
        w.u32(done.partition()).str(done.fromNode()).str(done.toNode());
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

    /** The coordinator's side of {@link #cutover}; {@code keeper} null: this node does not coordinate. */
    static void answerCutover(TableKeeper keeper, Member self, Message<Buffer> request) {
        if (keeper == null) {
            PeerFailure.UNAVAILABLE.fail(request, self.nodeId() + " is not the coordinator");
            return;
        }
        try {
            byte[] b = request.body().getBytes();
            WireReader r = new WireReader(b, 0, b.length);
            Migration done = new Migration(r.u32(), r.str(), r.str());
            request.reply(Buffer.buffer(new byte[] {(byte) cutoverOutcome(keeper, done)}));
        } catch (ProtocolException | IllegalArgumentException e) {
            PeerFailure.MALFORMED.fail(request, "malformed cutover request: " + e.getMessage());
        }
    }

    /**
     * The coordinator's decision on a cutover request, in the order PEERS.md gives: {@link #CUTOVER_ALREADY} when
     * its newest table names the target, else {@link #CUTOVER_ACCEPTED} when the keeper proposed the cutover, else
     * {@link #CUTOVER_REFUSED}. Pure but for the keeper's own proposal; the simulation answers with it too.
     */
    public static int cutoverOutcome(TableKeeper keeper, Migration done) {
        Member owner = keeper.table().owner(done.partition());
        return owner != null && owner.nodeId().equals(done.toNode()) ? CUTOVER_ALREADY
                : keeper.cutover(done) ? CUTOVER_ACCEPTED : CUTOVER_REFUSED;
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
