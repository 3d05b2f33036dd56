package io.amdb.node.cluster;

import io.amdb.node.ring.Membership;
import io.amdb.node.ring.TableKeeper;
import io.amdb.node.ring.TablePlanner;
import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.PartitionTableCodec;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps this node's copy of the cluster's partition table current. The oldest member is the coordinator:
 * it runs a {@link TableKeeper}, which replans on every membership change and publishes each new table
 * on {@link #PUBLISH_ADDRESS}; every node installs a table only when its epoch is newer than the one it
 * has. A node that starts, or that missed a publication, fetches the table from the coordinator's own
 * address. When the coordinator goes, the next oldest resumes from the newest table it holds.
 *
 * <p>All state lives on this verticle's context; Hazelcast events reach it through
 * {@link HazelcastMembership}, which hops them onto that context first.
 */
public final class TableService extends VerticleBase implements Membership.Listener {
    static final String PUBLISH_ADDRESS = "amdb.table.publish";
    static final long FETCH_RETRY_MS = 200;
    /** Short: a cutover is one table change; an unanswered one is asked again (it is idempotent), maybe of a new coordinator. */
    static final long CUTOVER_TIMEOUT_MS = 2_000;
    /** A new coordinator's first epoch is this far above the newest table it found (see takeOver). */
    static final long TAKEOVER_EPOCH_GAP = 1_000;
    static final long TAKEOVER_ASK_MS = 2_000;
    /** Every node re-reads the coordinator's table this often, so a missed publication heals by itself. */
    static final long REFRESH_MS = 1_000;

    private final Member self;
    private final int partitions;
    private final TablePlanner planner;
    private final Consumer<PartitionTable> install;
    private HazelcastMembership membership;
    private TableKeeper keeper;
    private Membership.Listener keeperListener;
    private PartitionTable current;
    private volatile String coordinatorId;
    private boolean takingOver;

    /** @param install told of every newer table, on this verticle's context */
    public TableService(Member self, int partitions, TablePlanner planner, Consumer<PartitionTable> install) {
        this.self = self;
        this.partitions = partitions;
        this.planner = planner;
        this.install = install;
    }

    static String fetchAddress(String nodeId) {
        return "amdb.table.fetch." + nodeId;
    }

    static String leaveAddress(String nodeId) {
        return "amdb.table.leave." + nodeId;
    }

    /**
     * Asks the coordinator to plan this node's graceful leave: every partition it owns migrates to the others.
     * Thread-safe; true when some member is staying to take them, false when every member is leaving (there is
     * nowhere to hand off to); fails when no coordinator answered.
     */
    public Future<Boolean> requestLeave() {
        String coordinator = coordinatorId;
        if (coordinator == null) {
            return Future.failedFuture("no coordinator known yet");
        }
        return vertx.eventBus().<Buffer>request(leaveAddress(coordinator), Buffer.buffer(self.nodeId()),
                new DeliveryOptions().setSendTimeout(CUTOVER_TIMEOUT_MS)).map(m -> m.body().getByte(0) == 1);
    }

    static String cutoverAddress(String nodeId) {
        return "amdb.table.cutover." + nodeId;
    }

    /** Cutover answers: the coordinator published the target as owner now, had already, or refuses. */
    public static final int CUTOVER_REFUSED = 0;
    public static final int CUTOVER_ACCEPTED = 1;
    public static final int CUTOVER_ALREADY = 2;

    /**
     * Asks the coordinator to cut a finished migration over (thread-safe; the future completes on the
     * caller's context): {@link #CUTOVER_ACCEPTED} when it published the table with the target as owner,
     * {@link #CUTOVER_ALREADY} when its table already names the target, {@link #CUTOVER_REFUSED} when the move
     * is no longer planned and the source still owns the partition; fails when no coordinator answered.
     */
    public Future<Integer> requestCutover(Migration done) {
        String coordinator = coordinatorId;
        if (coordinator == null) {
            return Future.failedFuture("no coordinator known yet");
        }
        WireWriter w = new WireWriter(64);
        w.u32(done.partition()).str(done.fromNode()).str(done.toNode());
        return vertx.eventBus().<Buffer>request(cutoverAddress(coordinator), Buffer.buffer(w.toByteArray()),
                new DeliveryOptions().setSendTimeout(CUTOVER_TIMEOUT_MS)).map(m -> (int) m.body().getByte(0));
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<Buffer>consumer(PUBLISH_ADDRESS, m -> offer(decode(m.body())));
        vertx.eventBus().<Buffer>consumer(fetchAddress(self.nodeId()), this::answerFetch);
        vertx.eventBus().<Buffer>consumer(cutoverAddress(self.nodeId()), this::answerCutover);
        vertx.eventBus().<Buffer>consumer(leaveAddress(self.nodeId()), this::answerLeave);
        return HazelcastMembership.start(vertx, ((VertxInternal) vertx).clusterManager(), context).map(m -> {
            membership = m;
            m.setListener(this);
            takeRole();
            vertx.setPeriodic(REFRESH_MS, id -> refresh());
            return null;
        });
    }

    /** The newest table this node has installed, or null before the first. */
    public PartitionTable table() {
        return current;
    }

    @Override
    public void memberAdded(Member member) {
        forward(l -> l.memberAdded(member));
        takeRole();
    }

    @Override
    public void memberRemoved(Member member) {
        forward(l -> l.memberRemoved(member));
        takeRole();
    }

    private void forward(Consumer<Membership.Listener> event) {
        if (keeperListener != null) {
            event.accept(keeperListener);
        }
    }

    /** Becomes coordinator when this node is the oldest member; otherwise makes sure it has a table. */
    private void takeRole() {
        Member oldest = membership.oldest();
        coordinatorId = oldest == null ? null : oldest.nodeId();
        if (keeper == null && !takingOver && self.equals(oldest)) {
            takeOver();
        } else if (keeper == null && current == null && oldest != null) {
            fetchFrom(oldest);
        }
    }

    /**
     * Becomes the coordinator. The previous one may have published tables that reached some members and
     * not this one, so it first gathers every member's table and resumes from the newest; and it moves the
     * epoch on by {@link #TAKEOVER_EPOCH_GAP}, above any table the old coordinator may still have had in
     * flight, so no two different tables ever share an epoch.
     */
    private void takeOver() {
        takingOver = true;
        List<Future<PartitionTable>> asks = new ArrayList<>();
        for (Member m : membership.members()) {
            if (!m.equals(self)) {
                asks.add(vertx.eventBus().<Buffer>request(fetchAddress(m.nodeId()), Buffer.buffer(),
                        new DeliveryOptions().setSendTimeout(TAKEOVER_ASK_MS)).map(r -> decode(r.body())));
            }
        }
        Future.join(asks).onComplete(all -> {
            for (Future<PartitionTable> ask : asks) {
                offer(ask.succeeded() ? ask.result() : null);
            }
            takingOver = false;
            if (keeper != null || !self.equals(membership.oldest())) {
                takeRole(); // the membership changed meanwhile
                return;
            }
            Membership view = keeperView();
            keeper = current == null
                    ? TableKeeper.start(planner, view, partitions, this::publish)
                    : TableKeeper.resume(planner, view, withEpoch(current, current.epoch() + TAKEOVER_EPOCH_GAP),
                            this::publish);
        });
    }

    private static PartitionTable withEpoch(PartitionTable t, long epoch) {
        int[] owners = new int[t.partitions()];
        for (int p = 0; p < owners.length; p++) {
            owners[p] = t.ownerIndex(p);
        }
        return new PartitionTable(epoch, t.partitions(), t.members(), owners, t.migrations());
    }

    /** The membership as the keeper sees it: the same members, with events forwarded by this service. */
    private Membership keeperView() {
        return new Membership() {
            @Override
            public List<Member> members() {
                return membership.members();
            }

            @Override
            public void setListener(Listener listener) {
                keeperListener = listener;
            }
        };
    }

    private void publish(PartitionTable table) {
        offer(table);
        vertx.eventBus().publish(PUBLISH_ADDRESS, Buffer.buffer(PartitionTableCodec.encode(table)));
    }

    private void offer(PartitionTable table) {
        if (table != null && (current == null || table.epoch() > current.epoch())) {
            current = table;
            install.accept(table);
        }
    }

    /** Fetches the coordinator's table now and installs it if newer; completes on this service's context. */
    public Future<Void> refreshTable() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            String coordinator = coordinatorId;
            if (coordinator == null || keeper != null) {
                done.complete();
                return;
            }
            vertx.eventBus().<Buffer>request(fetchAddress(coordinator), Buffer.buffer(),
                    new DeliveryOptions().setSendTimeout(TAKEOVER_ASK_MS)).onComplete(ar -> {
                        if (ar.succeeded()) {
                            offer(decode(ar.result().body()));
                        }
                        done.complete();
                    });
        });
        return done.future();
    }

    private void refresh() {
        if (keeper == null && current != null) {
            refreshTable();
        }
    }

    private void fetchFrom(Member coordinator) {
        vertx.eventBus().<Buffer>request(fetchAddress(coordinator.nodeId()), Buffer.buffer()).onComplete(ar -> {
            if (ar.succeeded()) {
                offer(decode(ar.result().body()));
            }
            if (current == null && keeper == null) {
                vertx.setTimer(FETCH_RETRY_MS, t -> takeRole()); // the coordinator may not have planned yet
            }
        });
    }

    private void answerLeave(Message<Buffer> request) {
        if (keeper == null) {
            request.fail(503, self.nodeId() + " is not the coordinator");
            return;
        }
        try {
            keeper.leave(request.body().toString());
            boolean someoneStays = keeper.table().members().stream().anyMatch(m -> !keeper.leaving().contains(m.nodeId()));
            request.reply(Buffer.buffer(new byte[] {(byte) (someoneStays ? 1 : 0)}));
        } catch (IllegalArgumentException e) {
            request.fail(400, e.getMessage());
        }
    }

    private void answerCutover(Message<Buffer> request) {
        if (keeper == null) {
            request.fail(503, self.nodeId() + " is not the coordinator");
            return;
        }
        try {
            byte[] b = request.body().getBytes();
            WireReader r = new WireReader(b, 0, b.length);
            Migration done = new Migration(r.u32(), r.str(), r.str());
            Member owner = keeper.table().owner(done.partition());
            int outcome = owner != null && owner.nodeId().equals(done.toNode()) ? CUTOVER_ALREADY
                    : keeper.cutover(done) ? CUTOVER_ACCEPTED : CUTOVER_REFUSED;
            request.reply(Buffer.buffer(new byte[] {(byte) outcome}));
        } catch (ProtocolException | IllegalArgumentException e) {
            request.fail(400, "malformed cutover request: " + e.getMessage());
        }
    }

    private void answerFetch(Message<Buffer> request) {
        if (current == null) {
            request.fail(503, "no partition table yet");
        } else {
            request.reply(Buffer.buffer(PartitionTableCodec.encode(current)));
        }
    }

    private static PartitionTable decode(Buffer body) {
        try {
            return PartitionTableCodec.decode(body.getBytes());
        } catch (ProtocolException e) {
            return null; // a peer of another version: ignore, the coordinator republishes on the next change
        }
    }
}
