package io.amdb.node.cluster;

import io.amdb.node.consensus.TableGroup;
import io.amdb.node.consensus.Proposals;
import io.amdb.node.consensus.TableEntry;
import io.amdb.node.consensus.TableEvents;
import io.amdb.node.consensus.VoterPlan;
import io.amdb.node.ring.Membership;
import io.amdb.node.ring.TableKeeper;
import io.amdb.node.config.ReplicationConfig;
import io.amdb.node.ring.TablePlanner;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Keeps this node's partition table current, and, on the table log's leader, plans and commits the next ones
 * (docs/CLUSTER.md, "Table consensus"). Tables reach every node only through the log: each replica applies the
 * committed entries in order and hands each table to {@code install}. The leader of the log is the table
 * coordinator: once it has applied every earlier entry it runs a {@link TableKeeper}, whose tables are proposed
 * one at a time, each on top of the one before ({@link Proposals}: a burst coalesces); a proposal that is not
 * committed (leadership lost, or planned on a table that was not the newest) drops the keeper, and a leader still
 * in office plans again from the committed table.
 * Hazelcast stays the failure detector: its membership events feed the keeper, and the leader adds every live
 * member to the log's configuration ({@link VoterPlan}: 1, 3, 4 or 5 voters, the others listeners).
 *
 * <p>All state lives on this verticle's context; Hazelcast events hop onto it in {@link HazelcastMembership}, and
 * the log's events (on Ratis's threads) hop onto it here.
 */
public final class TableService extends VerticleBase implements Membership.Listener, TableEvents {
    private static final Logger LOG = Logger.getLogger(TableService.class.getName());
    /** Where a node used to publish tables. Nothing published there is trusted: it is logged and ignored. */
    static final String PUBLISH_ADDRESS = "amdb.table.publish";
    /** Longest a change of the table log's configuration may take before the leader steps down to end it. */
    static final long CONFIGURE_WAIT_MS = 20_000;
    /** How long a replica the log closed waits before it is reopened (an election timeout or two). */
    static final long REOPEN_DELAY_MS = 1_000;
    /** How often the leader checks the log's configuration against the live members, and a fresh node looks for a group. */
    static final long TICK_MS = 500;
    static final long JOIN_ASK_MS = 5_000;
    /** A member that joined may not answer what it holds until its services run: asked this many times, 100 ms apart. */
    static final int HELD_ATTEMPTS = 50;
    /** Every this many ticks (5 s) a node that waits for the table log says why. */
    static final int WAIT_REPORT_TICKS = 10;

    private final Member self;
    private final int partitions;
    private final TablePlanner planner;
    private final ReplicationConfig replication;
    private final Consumer<PartitionTable> install;
    private final Consumer<String> refused;
    private final TableGroup group;
    private final Relay relay;
    private HazelcastMembership membership;
    private TableKeeper keeper; // non-null only while this node is the log's ready leader
    private Membership.Listener keeperListener;
    private Proposals proposals; // the keeper's chain of proposals to the log
    private boolean configuring;
    private final java.util.Set<String> warnedRefusals = new java.util.HashSet<>();
    /** What each live member said it holds when it joined (see {@link #askHeld}); by node id. */
    private final Map<String, java.util.BitSet> held = new java.util.HashMap<>();
    /** Where members' copies stand, asked after a primary's death for the keeper's promotions; then cleared. */
    private final Map<String, Map<Integer, io.amdb.node.ring.CopyPosition>> positions = new java.util.HashMap<>();
    /** How long the coordinator waits for a member's positions before it promotes without them. */
    static final long POSITIONS_ASK_MS = 500;
    private boolean takingOffice;
    private boolean founding;
    private volatile String leaderNodeId;
    private volatile boolean serving; // caught up with the log: committed tables are installed
    private volatile int liveMembers;
    /** Node ids Hazelcast reported gone and not back since: not reachable from here (thread-safe reads). */
    private final java.util.Set<String> gone = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> memberGone = id -> { };
    private boolean asking; // a round of askGroups() is out
    private boolean refusedAlready;
    private int waitingTicks;
    private CoordinatorRequests requests;

    /**
     * @param group   this node's replica of the table log, already started with {@code relay} for its events
     * @param install told of every committed table, in log order, on the log's apply thread, once this node
     *                caught up with the log's leader (applied every entry the ready leader had committed when
     *                asked): never a table older than one the cluster committed before this node started
     * @param refused told, once, why this node cannot be a member: its data directory belongs to another
     *                cluster history (the leader asked it to join a group that is not its own)
     */
    public TableService(Member self, int partitions, ReplicationConfig replication, TablePlanner planner,
            TableGroup group, Relay relay, Consumer<PartitionTable> install, Consumer<String> refused) {
        this.replication = replication;
        this.refused = refused;
        this.relay = relay;
        this.self = self;
        this.partitions = partitions;
        this.planner = planner;
        this.group = group;
        this.install = install;
    }

    /**
     * Carries the log's events to the service once it runs. The log starts (and replays what it holds) before
     * the node's Vert.x exists; what it applied meanwhile is read from {@link TableGroup#table()} at start.
     */
    public static final class Relay implements TableEvents {
        private volatile TableEvents target;

        @Override
        public void applied(PartitionTable table) {
            TableEvents t = target;
            if (t != null) {
                t.applied(table);
            }
        }

        @Override
        public void leaderChanged(RaftPeerId leader) {
            TableEvents t = target;
            if (t != null) {
                t.leaderChanged(leader);
            }
        }

        @Override
        public void leaderReady() {
            TableEvents t = target;
            if (t != null) {
                t.leaderReady();
            }
        }

        @Override
        public void replicaClosed() {
            TableEvents t = target;
            if (t != null) {
                t.replicaClosed();
            }
        }
    }

    /** Where a node answers which table group its replica belongs to (empty: none yet). */
    static String groupAddress(String nodeId) {
        return "amdb.table.group." + nodeId;
    }

    static String joinAddress(String nodeId) {
        return "amdb.table.join." + nodeId;
    }

    /** Where the log's ready leader answers its commit index ({@code i64}); any other node fails UNAVAILABLE. */
    static String commitAddress(String nodeId) {
        return "amdb.table.commit." + nodeId;
    }

    /** The calls this node makes to the table coordinator: cutover, leave, accept-loss (see {@link CoordinatorRequests}). */
    public CoordinatorRequests requests() {
        return requests;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<Buffer>consumer(PUBLISH_ADDRESS, m -> LOG.warning("ignoring a partition table published "
                + "outside the table log (" + m.body().length() + " bytes); only committed tables are installed"));
        vertx.eventBus().<Buffer>consumer(joinAddress(self.nodeId()), m -> {
            RaftGroupId id = RaftGroupId.valueOf(java.util.UUID.fromString(m.body().toString()));
            RaftGroupId own = group.groupId();
            if (own != null && !own.equals(id)) {
                PeerFailure.OTHER_CLUSTER.fail(m, "this node belongs to table group " + own.getUuid());
                if (!serving) {
                    refuse(own, id.getUuid().toString());
                }
                return;
            }
            long askedAt = System.nanoTime();
            group.joinEmpty(id).whenComplete((v, e) -> {
                long ms = (System.nanoTime() - askedAt) / 1_000_000;
                if (e == null) {
                    LOG.info(self.nodeId() + " joined table group " + id.getUuid() + " in " + ms + " ms");
                    m.reply(Buffer.buffer());
                } else {
                    LOG.warning(self.nodeId() + " could not join table group " + id.getUuid() + " (" + ms + " ms): " + e);
                    PeerFailure.UNAVAILABLE.fail(m, "cannot join table group " + id + ": " + e.getMessage());
                }
            });
        });
        vertx.eventBus().<Buffer>consumer(commitAddress(self.nodeId()), m -> {
            long index = group.leaderCommitIndex();
            if (index < 0) {
                PeerFailure.UNAVAILABLE.fail(m, self.nodeId() + " is not the table log's ready leader");
            } else {
                m.reply(Buffer.buffer().appendLong(index));
            }
        });
        vertx.eventBus().<Buffer>consumer(groupAddress(self.nodeId()), m -> {
            RaftGroupId own = group.groupId();
            m.reply(Buffer.buffer(own == null ? "" : own.getUuid().toString()));
        });
        requests = new CoordinatorRequests(vertx, self, () -> leaderNodeId);
        vertx.eventBus().<Buffer>consumer(CoordinatorRequests.cutoverAddress(self.nodeId()),
                m -> CoordinatorRequests.answerCutover(keeper, group.table(), self, m));
        vertx.eventBus().<Buffer>consumer(CoordinatorRequests.leaveAddress(self.nodeId()),
                m -> CoordinatorRequests.answerLeave(keeper, self, m, this::outOfLog));
        vertx.eventBus().<Buffer>consumer(CoordinatorRequests.acceptLossAddress(self.nodeId()),
                m -> CoordinatorRequests.answerAcceptLoss(keeper, self, m));
        vertx.eventBus().<Buffer>consumer(CoordinatorRequests.inSyncAddress(self.nodeId()),
                m -> CoordinatorRequests.answerInSync(keeper, self, m));
        return HazelcastMembership.start(vertx, ((VertxInternal) vertx).clusterManager(), context).compose(m -> {
            membership = m;
            Member twin = m.duplicateOf(self, ((VertxInternal) vertx).clusterManager().getNodeId());
            if (twin != null) {
                return Future.failedFuture("node id " + self.nodeId() + " is already used by the member at "
                        + twin.host() + ":" + twin.port() + "; start this node with another --node-id");
            }
            m.setListener(this);
            liveMembers = m.members().size();
            relay.target = this;
            vertx.setPeriodic(TICK_MS, id -> tick());
            tick();
            return Future.succeededFuture();
        });
    }

    /** The newest committed table this node applied, or null before the first. */
    public PartitionTable table() {
        return group.table();
    }

    /**
     * INFO's table-log fields: {@code table_log_leader} (the coordinator's node id, empty when none is known),
     * {@code table_log_role} (leader, follower, listener, or none before this node is in the group),
     * {@code table_log_voters} and {@code table_log_listeners} (the configuration's sizes), and
     * {@code table_log_caught_up} (1 once this node installs committed tables), and {@code live_members} (the
     * members Hazelcast shows this node, itself included; fewer than the table's during a split). Thread-safe.
     */
    public Map<String, String> infoFields() {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        String leader = leaderNodeId;
        VoterPlan.Conf conf = group.conf();
        String me = group.self().getId().toString();
        f.put("table_log_leader", leader == null ? "" : leader);
        f.put("table_log_role", group.groupId() == null ? "none" : me.equals(String.valueOf(group.leader())) ? "leader"
                : conf.voters().contains(me) ? "follower" : conf.listeners().contains(me) ? "listener" : "none");
        f.put("table_log_voters", Integer.toString(conf.voters().size()));
        f.put("table_log_listeners", Integer.toString(conf.listeners().size()));
        f.put("table_log_caught_up", serving ? "1" : "0");
        f.put("live_members", Integer.toString(liveMembers));
        return f;
    }

    /**
     * True when Hazelcast sees no other member: a leaving node with nobody to hand off to stops at once (the
     * table log cannot commit a table without the voters that left before it).
     */
    public boolean alone() {
        return liveMembers <= 1;
    }

    /**
     * False for a node id that Hazelcast reported gone and that has not come back since: this node cannot reach it
     * (a network split, or a death the table does not show yet). Thread-safe.
     */
    public boolean reachable(String nodeId) {
        return !gone.contains(nodeId);
    }

    /** Told (on this service's context) of every node id Hazelcast reports gone. */
    public void onMemberGone(Consumer<String> listener) {
        memberGone = listener;
    }

    @Override
    public void memberAdded(Member member) {
        gone.remove(member.nodeId());
        liveMembers = membership.members().size();
        askHeld(List.of(member)).onComplete(ar -> {
            if (keeperListener != null && membership.members().contains(member)) {
                keeperListener.memberAdded(member); // replans with what it holds, so LOST partitions go back
            }
            tick();
        });
    }

    /**
     * Asks members which partitions they hold a copy of (the Return rule gives a LOST partition back to the
     * member it was lost with when that member holds it: one that was paused, cut off, or restarted on its data
     * directory). Completes when every answer came or gave up (bounded); what was learnt is kept in {@link #held}.
     */
    private Future<Void> askHeld(List<Member> members) {
        List<Future<Void>> asks = new ArrayList<>();
        for (Member m : members) {
            if (m.equals(self)) {
                continue;
            }
            asks.add(askHeld(m, HELD_ATTEMPTS));
        }
        return Future.join(asks).transform(ar -> Future.succeededFuture());
    }

    private Future<Void> askHeld(Member m, int attemptsLeft) {
        return vertx.eventBus().<Buffer>request(io.amdb.node.migrate.MigrationService.heldAddress(m.nodeId()),
                Buffer.buffer(), new DeliveryOptions().setSendTimeout(JOIN_ASK_MS)).transform(ar -> {
                    if (ar.succeeded()) {
                        held.put(m.nodeId(), java.util.BitSet.valueOf(ar.result().body().getBytes()));
                        return Future.succeededFuture();
                    }
                    if (attemptsLeft <= 1 || !membership.members().contains(m)) {
                        return Future.succeededFuture(); // its metadata's claims still count
                    }
                    Promise<Void> again = Promise.promise();
                    vertx.setTimer(TICK_MS / 5, t -> askHeld(m, attemptsLeft - 1).onComplete(again));
                    return again.future();
                });
    }

    @Override
    public void memberRemoved(Member member) {
        if (membership.members().stream().noneMatch(m -> m.nodeId().equals(member.nodeId()))) {
            gone.add(member.nodeId());
            memberGone.accept(member.nodeId());
        }
        liveMembers = membership.members().size();
        held.remove(member.nodeId());
        Map<String, List<Integer>> ask = keeper == null ? Map.of() : promotionChoices(keeper.table(), member);
        if (ask.isEmpty()) {
            forwardRemoved(member);
            return;
        }
        LOG.info(() -> self.nodeId() + " asks " + ask.keySet() + " where their copies stand: " + member.nodeId()
                + " was primary of " + ask.values().stream().flatMap(List::stream).distinct().count()
                + " partitions with more than one in-sync backup");
        askPositions(ask).onComplete(ar -> forwardRemoved(member));
    }

    private void forwardRemoved(Member member) {
        if (keeperListener != null) {
            keeperListener.memberRemoved(member);
        }
        positions.clear();
        tick();
    }

    /**
     * The partitions {@code dead} was primary of in {@code table} that have a choice of heirs (two or more in-sync
     * backups live at the same address), by the backups to ask where their copies stand.
     */
    private Map<String, List<Integer>> promotionChoices(PartitionTable table, Member dead) {
        Map<String, List<Integer>> out = new java.util.HashMap<>();
        if (!dead.equals(table.member(dead.nodeId()))) {
            return out;
        }
        List<Member> live = membership.members();
        for (int p : table.partitionsOf(dead.nodeId())) {
            List<Member> heirs = table.inSync(p).stream().filter(live::contains).toList();
            if (heirs.size() >= 2) {
                for (Member h : heirs) {
                    out.computeIfAbsent(h.nodeId(), id -> new ArrayList<>()).add(p);
                }
            }
        }
        return out;
    }

    /** Asks each member where its copies of the partitions stand; completes when all answered or gave up (bounded). */
    private Future<Void> askPositions(Map<String, List<Integer>> ask) {
        List<Future<Void>> asks = new ArrayList<>();
        ask.forEach((nodeId, partitions) -> {
            io.amdb.protocol.WireWriter w = new io.amdb.protocol.WireWriter(4 + 4 * partitions.size());
            w.u32(partitions.size());
            partitions.forEach(w::u32);
            asks.add(vertx.eventBus().<Buffer>request(io.amdb.node.replicate.ReplicaEndpoint.positionsAddress(nodeId),
                    Buffer.buffer(w.toByteArray()), new DeliveryOptions().setSendTimeout(POSITIONS_ASK_MS))
                    .transform(ar -> {
                        if (ar.succeeded()) {
                            readPositions(nodeId, partitions, ar.result().body().getBytes());
                        } else {
                            LOG.info(self.nodeId() + " promotes without " + nodeId + "'s positions: "
                                    + ar.cause().getMessage());
                        }
                        return Future.<Void>succeededFuture();
                    }));
        });
        return Future.join(asks).transform(ar -> Future.succeededFuture());
    }

    private void readPositions(String nodeId, List<Integer> partitions, byte[] body) {
        io.amdb.protocol.WireReader r = new io.amdb.protocol.WireReader(body, 0, body.length);
        Map<Integer, io.amdb.node.ring.CopyPosition> at = new java.util.HashMap<>();
        try {
            for (int p : partitions) {
                at.put(p, new io.amdb.node.ring.CopyPosition(r.i64(), r.i64()));
            }
            r.expectEnd();
        } catch (io.amdb.protocol.ProtocolException e) {
            LOG.warning(self.nodeId() + " ignores " + nodeId + "'s malformed positions: " + e.getMessage());
            return;
        }
        positions.put(nodeId, at);
    }

    // ---- The log's events, on Ratis's threads: hop onto this context. ----

    @Override
    public void applied(PartitionTable table) {
        if (serving) {
            install.accept(table);
        } else if (context != null) {
            context.runOnContext(v -> tick()); // it may have caught up now: ask at once, not on the next tick
        }
    }

    @Override
    public void leaderChanged(RaftPeerId leader) {
        if (context != null) {
            context.runOnContext(v -> tick());
        }
    }

    @Override
    public void leaderReady() {
        if (context != null) {
            context.runOnContext(v -> tick());
        }
    }

    /**
     * Ratis closed this node's replica (an election found it outside the configuration, after a freeze or a cut):
     * reopened from its own storage after a pause, so the node goes on following the log once a configuration lists
     * it. It used to stay closed while the configuration listed it, applying no table again.
     */
    @Override
    public void replicaClosed() {
        if (context == null) {
            return;
        }
        context.runOnContext(v -> {
            LOG.info(self.nodeId() + ": the table log closed this node's replica (outside the configuration); "
                    + "reopening it in " + REOPEN_DELAY_MS + " ms");
            vertx.setTimer(REOPEN_DELAY_MS, id -> group.reopenIfClosed().whenComplete((reopened, e) -> {
                if (e != null) {
                    LOG.warning(self.nodeId() + " could not reopen its table-log replica: " + e);
                } else if (reopened) {
                    LOG.info(self.nodeId() + " reopened its table-log replica");
                }
            }));
        });
    }

    /**
     * Brings this node's role in line with the log: finds the leader's node, founds a group when this is a new
     * cluster's oldest member, and on the ready leader starts the keeper and reconciles the configuration.
     */
    private void tick() {
        if (membership == null) {
            return;
        }
        leaderNodeId = leaderNode();
        if (!serving) {
            awaitCatchUp();
        }
        if (group.groupId() == null) {
            maybeFound();
            return;
        }
        if (!group.isReadyLeader()) {
            dropKeeper();
            return;
        }
        if (keeper == null && !takingOffice) {
            takingOffice = true;
            askHeld(membership.members()).onComplete(ar -> {
                takingOffice = false;
                if (keeper == null && group.isReadyLeader()) {
                    takeOffice();
                }
            });
        }
        reconcileConfiguration();
    }

    /**
     * Installs tables only once this replica caught up with a leader: a node restarted on its data directory
     * holds the newest table its own log has, which may be older than the cluster's (it may have missed a move
     * or an operator's accept-loss), and must not serve with it. Says every few seconds why it still waits.
     */
    private void awaitCatchUp() {
        if (asking || refusedAlready) {
            return;
        }
        if (group.groupId() == null) {
            return; // a fresh node: the leader adds it, or it founds the group (maybeFound)
        }
        // Caught up first (applied every entry the ready leader had committed when it answered: a replica's own
        // commit index after a restart can be older than the cluster's), then the live members' groups: a replica
        // can be caught up with a group of its own (a single voter that came back alone) while the live members
        // run another; serving then would make two tables.
        asking = true;
        Future<Void> caughtUp;
        if (group.leaderCommitIndex() >= 0) {
            caughtUp = Future.succeededFuture(); // a ready leader has applied every earlier entry
        } else if (leaderNodeId == null) {
            caughtUp = Future.failedFuture("no leader known");
        } else {
            caughtUp = vertx.eventBus().<Buffer>request(commitAddress(leaderNodeId), Buffer.buffer(),
                    new DeliveryOptions().setSendTimeout(JOIN_ASK_MS)).compose(r -> {
                        long commit = r.body().getLong(0);
                        long applied = group.appliedIndex();
                        return applied >= commit ? Future.succeededFuture()
                                : Future.failedFuture("applied " + applied + " of the leader's " + commit + " entries");
                    });
        }
        caughtUp.compose(v -> askGroups()).onComplete(ar -> {
            asking = false;
            if (ar.failed()) {
                if (++waitingTicks % WAIT_REPORT_TICKS == 0) {
                    LOG.warning(self.nodeId() + " waits for the table log: " + (group.leader() == null
                            ? "no leader (a majority of the voters " + group.conf().voters() + " must be up)"
                            : "catching up with leader " + group.leader() + " (" + ar.cause().getMessage() + ")"));
                }
                return;
            }
            RaftGroupId own = group.groupId();
            String other = ar.result().stream().filter(g -> !g.isEmpty() && own != null
                    && !g.equals(own.getUuid().toString())).findFirst().orElse(null);
            if (other != null) {
                refuse(own, other);
            } else if (!serving && !refusedAlready) {
                serving = true; // before reading the table: an entry applied in between is installed either way
                PartitionTable table = group.table();
                if (table != null) {
                    install.accept(table);
                }
            }
        });
    }

    /**
     * The table-log replica of a live member, as it advertises it in {@code replicas} (Hazelcast metadata), or this
     * node's own; null when the member advertises none (yet).
     */
    private HazelcastMembership.Replica replicaOf(String nodeId, Map<String, HazelcastMembership.Replica> replicas) {
        return nodeId.equals(self.nodeId())
                ? new HazelcastMembership.Replica(group.self().getId().toString(), group.self().getAddress(), null)
                : replicas.get(nodeId);
    }

    /** True when {@code nodeId}'s replica is not in the table log's configuration (the leader's view). */
    private boolean outOfLog(String nodeId) {
        HazelcastMembership.Replica r = replicaOf(nodeId, membership.replicas());
        VoterPlan.Conf conf = group.conf();
        return r == null || (!conf.voters().contains(r.peerId()) && !conf.listeners().contains(r.peerId()));
    }

    /** The node id of the log's leader, as the live members advertise their replicas; null when unknown. */
    private String leaderNode() {
        RaftPeerId leader = group.leader();
        if (leader == null) {
            return null;
        }
        if (leader.equals(group.self().getId())) {
            return self.nodeId();
        }
        for (Map.Entry<String, HazelcastMembership.Replica> e : membership.replicas().entrySet()) {
            if (e.getValue().peerId().equals(leader.toString())) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * A node with no group founds one only when it is the oldest member and no live member advertises a group:
     * a new cluster. Every other fresh node waits for the leader to add it.
     */
    private void maybeFound() {
        boolean othersHaveGroup = membership.replicas().values().stream().anyMatch(r -> r.groupId() != null);
        if (founding || asking || othersHaveGroup || !self.equals(membership.oldest())) {
            return;
        }
        asking = true;
        askGroups().onComplete(ar -> {
            asking = false;
            // Found only when every other live member answered that it has no group (one still starting, or
            // not answering, may have one: ask again on the next tick).
            boolean allNone = ar.result().size() == membership.members().size() - 1
                    && ar.result().stream().allMatch(String::isEmpty);
            if (!allNone || founding || group.groupId() != null || !self.equals(membership.oldest())) {
                return;
            }
            founding = true;
            group.found().whenComplete((v, e) -> context.runOnContext(x -> {
                founding = false;
                if (e != null) {
                    LOG.warning("founding the table group failed: " + e.getMessage());
                }
                tick();
            }));
        });
    }

    /** The table group of every other live member that answered (empty string: none yet). Never fails. */
    private Future<List<String>> askGroups() {
        List<Future<String>> asks = new ArrayList<>();
        for (Member m : membership.members()) {
            if (!m.equals(self)) {
                asks.add(vertx.eventBus().<Buffer>request(groupAddress(m.nodeId()), Buffer.buffer(),
                        new DeliveryOptions().setSendTimeout(JOIN_ASK_MS)).map(r -> r.body().toString()));
            }
        }
        return Future.join(asks).transform(ar -> Future.succeededFuture(
                asks.stream().filter(Future::succeeded).map(Future::result).toList()));
    }

    /** This node's log is another cluster history than the live members': it must not serve. Once. */
    private void refuse(RaftGroupId own, String theirs) {
        if (refusedAlready) {
            return;
        }
        refusedAlready = true;
        String why = "this node's data directory belongs to table group " + own.getUuid() + ", but the "
                + "cluster's is " + theirs + ": the cluster was started without the members this node was with. "
                + "Stop it and start first a node that has this cluster's data";
        LOG.severe(why);
        refused.accept(why);
    }

    /**
     * This node now leads the log and has applied every earlier entry: it becomes the table coordinator. The
     * keeper's tables go to the log through a {@link Proposals} chain; a proposal that is not applied ends both.
     */
    private void takeOffice() {
        PartitionTable committed = group.table();
        Membership view = keeperView();
        Proposals chain = new Proposals(committed, this::submit, why -> {
            if (proposals != null && proposals.ended()) { // this keeper's chain, not an earlier one's
                LOG.info(why + "; planning again from the committed table");
                dropKeeper();
                tick();
            }
        });
        proposals = chain;
        keeper = committed == null
                ? TableKeeper.start(planner, view, partitions, replication.factor(), replication.minInSync(),
                        chain::offer)
                : TableKeeper.resume(planner, view, committed, chain::offer);
        LOG.info(self.nodeId() + " coordinates the partition table from epoch "
                + (committed == null ? 0 : committed.epoch()));
    }

    private void dropKeeper() {
        keeper = null;
        keeperListener = null;
        proposals = null;
    }

    /** One proposal to the log; completes on this service's context. */
    private void submit(TableEntry.Proposal proposal, PartitionTable plannedOn,
            java.util.function.BiConsumer<TableEntry.Outcome, Throwable> done) {
        group.propose(proposal.base(), proposal.table())
                .whenComplete((outcome, e) -> context.runOnContext(v -> done.accept(outcome, e)));
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
                Map<String, java.util.BitSet> all = new java.util.HashMap<>(membership.claims());
                held.forEach((id, bits) -> all.merge(id, bits, (a, b) -> {
                    java.util.BitSet union = (java.util.BitSet) a.clone();
                    union.or(b);
                    return union;
                }));
                return all;
            }

            @Override
            public Map<String, String> racks() {
                return membership.racks();
            }

            @Override
            public Map<String, Map<Integer, io.amdb.node.ring.CopyPosition>> positions() {
                return positions;
            }

            @Override
            public void setListener(Listener listener) {
                keeperListener = listener;
            }
        };
    }

    /**
     * The leader's side of the log's membership: every live member with a replica gets a place (voter or
     * listener, {@link VoterPlan}); members gone leave. One change at a time; a member new to the group is asked
     * to create it first ({@link #joinAddress}).
     */
    private void reconcileConfiguration() {
        if (configuring) {
            return;
        }
        Map<String, HazelcastMembership.Replica> replicas = membership.replicas();
        List<String> live = new ArrayList<>();
        Map<String, RaftPeer> peers = new java.util.HashMap<>();
        Map<String, String> nodeOfPeer = new java.util.HashMap<>();
        for (Member m : membership.members()) {
            HazelcastMembership.Replica r = replicaOf(m.nodeId(), replicas);
            if (r != null) {
                live.add(r.peerId());
                peers.put(r.peerId(), RaftPeer.newBuilder().setId(r.peerId()).setAddress(r.address()).build());
                nodeOfPeer.put(r.peerId(), m.nodeId());
            }
        }
        // A leaver that has handed everything off leaves the configuration before it stops: a voter that stops
        // while still voting could leave the others without a quorum. If that is this leader, an other voter
        // anchors the plan and this node steps down once the new configuration is committed.
        VoterPlan.Conf now = group.conf();
        if (now.voters().stream().filter(live::contains).count() * 2 <= now.voters().size()) {
            // The live voters are no majority of the configuration: a change could not commit, and would stay in
            // the log as a pending one that a later election may commit unexpectedly. Wait for voters to return.
            return;
        }
        java.util.Set<String> leaving = keeper == null ? java.util.Set.of() : keeper.leaving();
        live.removeIf(id -> leaving.contains(nodeOfPeer.get(id)) && keeper.isDrained(nodeOfPeer.get(id)));
        String anchor = group.self().getId().toString();
        if (!live.contains(anchor)) {
            anchor = live.stream().filter(now.voters()::contains).findFirst().orElse(live.isEmpty() ? null : live.get(0));
        }
        if (anchor == null) {
            return; // nobody stays: every member is leaving, and stops without a handoff
        }
        VoterPlan.Conf next = VoterPlan.plan(now, live, anchor);
        if (next.equals(now)) {
            return;
        }
        configuring = true;
        Map<String, Future<Void>> joins = new java.util.HashMap<>();
        for (String id : live) {
            if (!now.voters().contains(id) && !now.listeners().contains(id) && !nodeOfPeer.get(id).equals(self.nodeId())) {
                joins.put(id, vertx.eventBus().<Buffer>request(joinAddress(nodeOfPeer.get(id)),
                        Buffer.buffer(group.groupId().getUuid().toString()),
                        new DeliveryOptions().setSendTimeout(JOIN_ASK_MS)).mapEmpty());
            }
        }
        Future.join(new ArrayList<>(joins.values())).onComplete(ar -> {
            // A member that could not create the group (it belongs to another cluster history, or is not
            // ready) stays out of this step; the others go on. It is asked again on the next tick.
            java.util.Set<String> refused = new java.util.HashSet<>();
            joins.forEach((id, join) -> {
                if (join.failed()) {
                    refused.add(id);
                    if (warnedRefusals.add(id)) { // once per replica: it is asked again every tick
                        LOG.warning("member " + nodeOfPeer.get(id) + " cannot join the table log: "
                                + join.cause().getMessage());
                    }
                }
            });
            VoterPlan.Conf step = new VoterPlan.Conf(without(next.voters(), refused), without(next.listeners(), refused));
            if (step.equals(now)) {
                configuring = false; // only refusals: nothing to change this step
                return;
            }
            List<RaftPeer> voters = step.voters().stream().map(peers::get).toList();
            List<RaftPeer> listeners = step.listeners().stream().map(peers::get).toList();
            // Ratis bounds none of a configuration change: a new replica it stages may never count as caught up,
            // and the change then never completes. Past CONFIGURE_WAIT_MS the leader steps down, which ends it (the
            // next leader plans again); this leader would otherwise never change the configuration again.
            long stuck = vertx.setTimer(CONFIGURE_WAIT_MS, id -> {
                LOG.warning("the table log's configuration change to " + step + " has not completed in "
                        + CONFIGURE_WAIT_MS + " ms; the leader steps down to end it");
                group.stepDown();
            });
            group.configure(voters, listeners).whenComplete((v, e) -> context.runOnContext(x -> {
                vertx.cancelTimer(stuck);
                configuring = false;
                if (e != null && String.valueOf(e.getMessage()).contains("duplicated element")) {
                    LOG.info("the table log's leader steps down to reset its replica senders: " + e.getMessage());
                    group.stepDown();
                } else if (e != null) {
                    LOG.info("table group configuration not changed yet: " + e.getMessage());
                } else {
                    tick(); // the plan may need another step (one voter is added per step)
                }
            }));
        });
    }

    private static java.util.Set<String> without(java.util.Set<String> ids, java.util.Set<String> out) {
        java.util.Set<String> kept = new java.util.LinkedHashSet<>(ids);
        kept.removeAll(out);
        return kept;
    }
}
