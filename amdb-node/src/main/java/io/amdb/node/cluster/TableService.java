package io.amdb.node.cluster;

import io.amdb.node.ring.Membership;
import io.amdb.node.ring.Restore;
import io.amdb.node.ring.TableKeeper;
import io.amdb.node.ring.TablePlanner;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.PartitionTableCodec;
import io.amdb.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** A new coordinator's first epoch is this far above the newest table it found (see takeOver). */
    static final long TAKEOVER_EPOCH_GAP = 1_000;
    static final long TAKEOVER_ASK_MS = 2_000;
    /** Every node re-reads the coordinator's table this often, so a missed publication heals by itself. */
    static final long REFRESH_MS = 1_000;

    private final Member self;
    private final int partitions;
    private final TablePlanner planner;
    private final Consumer<PartitionTable> install;
    private final PartitionTable remembered; // the table this node last installed before it restarted, or null
    private HazelcastMembership membership;
    private TableKeeper keeper;
    private Membership.Listener keeperListener;
    private PartitionTable current;
    private volatile String coordinatorId;
    private CoordinatorRequests requests;
    private boolean takingOver;
    private Restore restore; // non-null while this coordinator waits for a whole cluster to come back
    private boolean fetchingSaved;
    private final java.util.Set<String> savedFetched = new java.util.HashSet<>(); // asked once per restore

    /** @param install told of every newer table, on this verticle's context */
    public TableService(Member self, int partitions, TablePlanner planner, Consumer<PartitionTable> install) {
        this(self, partitions, planner, install, null);
    }

    /**
     * @param remembered the table a durable node saved before it stopped, or null: if this node becomes the
     *                   coordinator and no member has a newer table, it resumes from this one, so a cluster
     *                   restarted whole keeps its table (members not back yet have their partitions LOST
     *                   until they return and claim them)
     */
    public TableService(Member self, int partitions, TablePlanner planner, Consumer<PartitionTable> install,
            PartitionTable remembered) {
        this.self = self;
        this.partitions = partitions;
        this.planner = planner;
        this.install = install;
        this.remembered = remembered;
    }

    static String fetchAddress(String nodeId) {
        return "amdb.table.fetch." + nodeId;
    }

    /** Where a node answers with the table it saved before it last stopped (a restoring coordinator asks). */
    static String savedAddress(String nodeId) {
        return "amdb.table.saved." + nodeId;
    }

    /** The calls this node makes to the coordinator: cutover and leave (see {@link CoordinatorRequests}). */
    public CoordinatorRequests requests() {
        return requests;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<Buffer>consumer(PUBLISH_ADDRESS, m -> offer(decode(m.body())));
        vertx.eventBus().<Buffer>consumer(fetchAddress(self.nodeId()), this::answerFetch);
        requests = new CoordinatorRequests(vertx, self, () -> coordinatorId);
        vertx.eventBus().<Buffer>consumer(CoordinatorRequests.cutoverAddress(self.nodeId()),
                m -> CoordinatorRequests.answerCutover(keeper, self, m));
        vertx.eventBus().<Buffer>consumer(CoordinatorRequests.leaveAddress(self.nodeId()),
                m -> CoordinatorRequests.answerLeave(keeper, self, m));
        vertx.eventBus().<Buffer>consumer(CoordinatorRequests.acceptLossAddress(self.nodeId()), m -> {
            if (restore != null && fetchingSaved) {
                m.fail(409, "the restore is still fetching the newest saved table; ask again in a moment");
                return;
            }
            if (restore != null) {
                finishRestore(); // the operator gives up on whoever has not come back
            }
            CoordinatorRequests.answerAcceptLoss(keeper, self, m);
        });
        vertx.eventBus().<Buffer>consumer(savedAddress(self.nodeId()), m -> {
            if (remembered == null) {
                m.fail(404, self.nodeId() + " saved no table");
            } else {
                m.reply(Buffer.buffer(PartitionTableCodec.encode(remembered)));
            }
        });
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
        if (restore != null) {
            restoreStep();
        } else if (keeper == null && !takingOver && self.equals(oldest)) {
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
            if (current == null && remembered != null) {
                restore = new Restore(remembered); // the whole cluster is coming back: wait for its members
                restoreStep();
                return;
            }
            Membership view = keeperView();
            keeper = current == null
                    ? TableKeeper.start(planner, view, partitions, this::publish)
                    : TableKeeper.resume(planner, view, withEpoch(current, current.epoch() + TAKEOVER_EPOCH_GAP),
                            this::publish);
        });
    }

    /**
     * One step of a whole-cluster restore (see {@link Restore}): adopt a newer saved table if a live member has
     * one, then either resume (every member of the newest saved table is back) or publish the waiting table.
     */
    private void restoreStep() {
        if (!self.equals(membership.oldest())) {
            restore = null; // no longer the coordinator: the oldest member restores
            return;
        }
        List<Member> live = membership.members();
        String newer = null;
        long newest = restore.base().epoch();
        for (Map.Entry<String, Long> e : membership.savedEpochs().entrySet()) {
            if (e.getValue() > newest && !savedFetched.contains(e.getKey())) {
                newest = e.getValue();
                newer = e.getKey();
            }
        }
        if (newer != null && !fetchingSaved) {
            fetchingSaved = true;
            String from = newer;
            vertx.eventBus().<Buffer>request(savedAddress(from), Buffer.buffer(),
                    new DeliveryOptions().setSendTimeout(TAKEOVER_ASK_MS)).onComplete(ar -> {
                        fetchingSaved = false;
                        if (restore == null) {
                            return;
                        }
                        if (ar.succeeded()) {
                            savedFetched.add(from);
                            restore.offer(decode(ar.result().body()));
                            restoreStep();
                        } else {
                            vertx.setTimer(FETCH_RETRY_MS, t -> {
                                if (restore != null) {
                                    restoreStep();
                                }
                            });
                        }
                    });
            return;
        }
        if (newer != null) {
            return; // a fetch is under way; it steps again when it ends
        }
        if (restore.missing(live).isEmpty()) {
            finishRestore();
        } else {
            PartitionTable waiting = restore.waiting(live, nextRestoreEpoch());
            if (current == null || !waiting.sameContentAs(current)) {
                publish(waiting);
            }
        }
    }

    private long nextRestoreEpoch() {
        long floor = restore.base().epoch() + TAKEOVER_EPOCH_GAP;
        return current == null ? floor : Math.max(floor, current.epoch() + 1);
    }

    /** Every member of the newest saved table is back (or the operator accepted the loss): resume from it. */
    private void finishRestore() {
        PartitionTable start = restore.waiting(membership.members(), nextRestoreEpoch());
        restore = null;
        keeper = TableKeeper.resume(planner, keeperView(), start, this::publish);
    }

    private static PartitionTable withEpoch(PartitionTable t, long epoch) {
        int[] owners = new int[t.partitions()];
        String[] lostFrom = new String[t.partitions()];
        for (int p = 0; p < owners.length; p++) {
            owners[p] = t.ownerIndex(p);
            lostFrom[p] = t.lostFrom(p);
        }
        return new PartitionTable(epoch, t.partitions(), t.members(), owners, t.migrations(), lostFrom);
    }

    /** The membership as the keeper sees it: the same members, with events forwarded by this service. */
    private Membership keeperView() {
        return new Membership() {
            @Override
            public List<Member> members() {
                return membership.members();
            }

            @Override
            public Map<String, java.util.BitSet> claims() {
                return membership.claims();
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
            // Sends the epoch held: the coordinator answers with its table only if it is newer (see answerFetch).
            long held = current == null ? 0 : current.epoch();
            vertx.eventBus().<Buffer>request(fetchAddress(coordinator), Buffer.buffer().appendLong(held),
                    new DeliveryOptions().setSendTimeout(TAKEOVER_ASK_MS)).onComplete(ar -> {
                        if (ar.succeeded() && ar.result().body().length() > 0) {
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

    /**
     * Answers a fetch with this node's table. A body of 8 bytes is the asker's epoch: if the table here is not
     * newer, the answer is empty (the once-a-second refresh then costs a few bytes, not a table).
     */
    private void answerFetch(Message<Buffer> request) {
        Buffer body = request.body();
        if (current == null) {
            request.fail(503, "no partition table yet");
        } else if (body.length() == Long.BYTES && body.getLong(0) >= current.epoch()) {
            request.reply(Buffer.buffer());
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
