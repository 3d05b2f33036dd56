package io.amdb.node.sim;

import io.amdb.node.cluster.CoordinatorRequests;
import io.amdb.node.consensus.Proposals;
import io.amdb.node.consensus.TableEntry;
import io.amdb.node.consensus.TableLogRule;
import io.amdb.node.ring.Membership;
import io.amdb.node.ring.TableKeeper;
import io.amdb.node.storage.ShardStore;
import io.amdb.node.storage.SkipList;
import io.amdb.node.table.NodeTable;
import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One simulated AmDb process: its durable part (the {@code ShardStore}, the replica's applied prefix of the table
 * log, the saved table) and its volatile part (the installed table, the coordinator's keeper, waits, pieces out,
 * migrations), lost at a crash. The asynchronous production code is mirrored compactly: the table service here;
 * forwarding and serving in {@link SimRouting}; migrations in {@link SimMigrations}.
 *
 * <p>Everything runs on the simulation's one thread; "local" events (a Ratis callback hopping onto the service's
 * context) are queued with no delay, so they keep their order.
 */
final class SimNode {
    /** The one bound on a wait for the table (NodeTable.MAX_WAIT_MS). */
    static final long MAX_WAIT_MS = NodeTable.MAX_WAIT_MS;

    final Sim sim;
    final String id;
    final boolean durable;
    private int incarnation;
    private boolean alive;
    private boolean started;
    private Member member;
    ShardStore store;
    // the replica of the table log (durable on a durable node)
    private int appliedIndex;
    private PartitionTable replicaTable;
    private PartitionTable saved;
    /** Per partition, the attempt whose FINAL chunk this node applied and still holds (what a cutover hands over). */
    final Map<Integer, Long> finalAttempt = new HashMap<>();
    // volatile
    NodeTable table;
    private boolean serving;
    String knownLeader;
    private TableKeeper keeper;
    private Membership.Listener keeperListener;
    private Proposals proposals; // the keeper's chain of proposals to the log
    private BitSet claims = new BitSet();
    private final List<Wait> waits = new ArrayList<>();
    SimRouting routing;
    SimMigrations migrations;

    SimNode(Sim sim, String id, boolean durable) {
        this.sim = sim;
        this.id = id;
        this.durable = durable;
    }

    boolean alive() {
        return alive;
    }

    boolean started() {
        return started;
    }

    /** A member of the table group once it ever started (the leader adds every live member). */
    boolean inGroup() {
        return started;
    }

    int incarnation() {
        return incarnation;
    }

    Member member() {
        return member;
    }

    int appliedIndex() {
        return appliedIndex;
    }

    BitSet claims() {
        return claims;
    }

    PartitionTable current() {
        return table == null ? null : table.current();
    }

    // ---- process lifecycle ----

    /** Starts (or restarts) the process: a durable node recovers its store and log and claims what it held. */
    void start() {
        incarnation++;
        alive = true;
        started = true;
        member = new Member(id, "sim", 7000 + incarnation);
        boolean[] recovered = new boolean[sim.options.partitions()];
        claims = new BitSet();
        if (durable && store != null) {
            store = recover(store, recovered);
            if (saved != null) {
                for (int p : saved.partitionsOf(id)) {
                    claims.set(p);
                }
            }
            for (int p = 0; p < recovered.length; p++) {
                if (recovered[p]) {
                    claims.set(p);
                }
            }
        } else {
            store = new ShardStore(sim.options.partitions(), sim.random.nextLong());
            appliedIndex = 0;
            replicaTable = null;
            saved = null;
            finalAttempt.clear();
        }
        table = new NodeTable(member, null);
        serving = false;
        knownLeader = null;
        keeper = null;
        keeperListener = null;
        waits.clear();
        routing = new SimRouting(this);
        migrations = new SimMigrations(this, recovered);
        sim.trace(id + " starts as " + member + (durable ? ", claims " + claims : ", empty"));
        sim.memberUp(member);
    }

    /** kill -9: the volatile state goes; a durable node keeps every acknowledged write (sync durability). */
    void crash() {
        sim.trace(id + " crashes");
        alive = false;
        keeper = null;
        keeperListener = null;
        waits.clear();
        sim.memberDown(member);
    }

    /** Recovery: the data as the log replays it (no migration state: handoffs are volatile). */
    private ShardStore recover(ShardStore old, boolean[] recovered) {
        ShardStore fresh = new ShardStore(old.partitions(), sim.random.nextLong());
        for (int p = 0; p < old.partitions(); p++) {
            fresh.raiseSequence(p, old.sequence(p));
            for (SkipList.Cursor c = old.partitionCursor(p, null); c.valid(); c.next()) {
                fresh.apply(p, c.key(), c.value(), c.version());
                recovered[p] = true;
            }
        }
        return fresh;
    }

    /** Runs {@code action} as a local event of this process (dropped if it crashes first). */
    void local(Runnable action) {
        localIf(incarnation, action);
    }

    void localIf(int inc, Runnable action) {
        sim.at(0, () -> {
            if (alive && incarnation == inc) {
                action.run();
            }
        });
    }

    /** Runs {@code action} after {@code delayMs} if this process still runs. */
    void later(long delayMs, Runnable action) {
        int inc = incarnation;
        sim.at(delayMs, () -> {
            if (alive && incarnation == inc) {
                action.run();
            }
        });
    }

    /** Sends to node {@code to}; {@code deliver} runs there. */
    void send(String to, Consumer<SimNode> deliver) {
        SimNode target = sim.nodes.get(to);
        sim.send(id, to, true, () -> deliver.accept(target));
    }

    /** As {@link #send}, for a message the network may drop or delay but never duplicates (a forwarded piece). */
    void sendOnce(String to, Consumer<SimNode> deliver) {
        SimNode target = sim.nodes.get(to);
        sim.send(id, to, false, () -> deliver.accept(target));
    }

    // ---- the replica of the table log, and the table service (mirrors cluster/TableService) ----

    /** The replica applies committed entries up to {@code upTo} with the production rule. */
    void catchUp(int upTo) {
        while (alive && appliedIndex < upTo) {
            TableEntry.Proposal p = sim.log.entries.get(appliedIndex++);
            if (TableLogRule.apply(replicaTable, p).applied()) {
                replicaTable = p.table();
                sim.checks.replicaApplied(this, replicaTable);
                if (serving) {
                    install(replicaTable);
                }
            }
        }
    }

    /** Heard from the leader: its id, and whether this replica has applied everything it committed. */
    void leaderKnown(String leader, boolean caughtUp) {
        knownLeader = leader;
        if (caughtUp && !serving) {
            serving = true; // TableService.awaitCatchUp
            if (replicaTable != null) {
                install(replicaTable);
            }
        }
    }

    /** NodeTable.install and its listeners (forwarder, migrations), after a durable node saved the table. */
    private void install(PartitionTable t) {
        if (table.install(t)) {
            sim.trace(id + " installs " + t + " lost " + java.util.Arrays.toString(java.util.stream.IntStream
                    .range(0, t.partitions()).mapToObj(p -> t.owner(p) == null ? "-" : t.owner(p).nodeId()).toArray()));
            saved = t;
            routing.tableInstalled(t);
            migrations.reconcile(t);
            recheckWaits();
        }
    }

    /** TableService.tick: the ready leader coordinates, anyone else drops its keeper. */
    void tick() {
        if (sim.log.isReadyLeader(this)) {
            if (keeper == null) {
                takeOffice();
            }
        } else {
            keeper = null;
            keeperListener = null;
        }
    }

    private void takeOffice() {
        if (!serving) {
            leaderKnown(id, true); // a ready leader has applied every entry
        }
        PartitionTable committed = replicaTable;
        if (committed == null && !sim.members().contains(member)) {
            return; // a group is founded by a listed member (TableService.maybeFound); its membership event ticks again
        }
        Membership view = keeperView();
        Proposals chain = new Proposals(committed, (proposal, plannedOn, done) -> sim.log.propose(this, proposal,
                plannedOn, outcome -> done.accept(outcome, outcome == null ? new IllegalStateException("not committed") : null)),
                why -> { // TableService.takeOffice: a proposal that is not applied ends this keeper
                    if (proposals != null && proposals.ended()) {
                        keeper = null;
                        keeperListener = null;
                        proposals = null;
                        tick();
                    }
                });
        proposals = chain;
        PartitionTable[] published = {committed};
        Consumer<PartitionTable> offer = next -> {
            sim.checks.keeperStep(published[0], next);
            published[0] = next;
            chain.offer(next);
        };
        keeper = committed == null
                ? TableKeeper.start(sim.planner, view, sim.options.partitions(), offer)
                : TableKeeper.resume(sim.planner, view, committed, offer);
    }

    private Membership keeperView() {
        return new Membership() {
            @Override
            public List<Member> members() {
                return sim.members();
            }

            @Override
            public Map<String, BitSet> claims() {
                Map<String, BitSet> all = new HashMap<>();
                for (Member m : sim.members()) {
                    SimNode n = sim.nodes.get(m.nodeId());
                    if (n.member.equals(m) && !n.claims.isEmpty()) {
                        all.put(m.nodeId(), n.claims);
                    }
                }
                return all;
            }

            @Override
            public void setListener(Listener listener) {
                keeperListener = listener;
            }
        };
    }

    /** A Hazelcast membership event reaches this node (TableService.memberAdded / memberRemoved). */
    void membershipChanged(Member m, boolean up) {
        local(() -> {
            if (keeperListener != null) {
                if (up) {
                    keeperListener.memberAdded(m);
                } else {
                    keeperListener.memberRemoved(m);
                }
            }
            tick();
        });
    }

    /** The coordinator's side of a cutover request: its answer, or null when this node does not coordinate. */
    Integer answerCutover(Migration done, long attempt, long startedAt) {
        Member named = keeper == null ? null : keeper.table().member(done.toNode());
        Integer answer = keeper == null ? null
                : CoordinatorRequests.cutoverOutcome(keeper, replicaTable, done, startedAt);
        sim.trace(id + " answers cutover of " + done + " (attempt started at epoch " + startedAt + "): " + answer);
        SimNode target = sim.nodes.get(done.toNode());
        // A target that restarted since the keeper last planned is handed the partition as its old incarnation:
        // the keeper's next plan finds that incarnation gone and reports the partition LOST (an owner's crash).
        boolean sameTarget = named != null && named.equals(target.member());
        if (answer != null && answer == CoordinatorRequests.CUTOVER_ACCEPTED && sameTarget) {
            Long held = target.finalAttempt.get(done.partition());
            if (held == null || held != attempt) {
                sim.checks.staleCutover(done, attempt, held);
            }
        }
        return answer;
    }

    // ---- waits (NodeTable.await): resume once ready or after MAX_WAIT_MS ----

    private final class Wait {
        final BooleanSupplier ready;
        final Runnable resume;
        boolean done;

        Wait(BooleanSupplier ready, Runnable resume) {
            this.ready = ready;
            this.resume = resume;
        }

        void finish() {
            if (!done) {
                done = true;
                waits.remove(this);
                resume.run();
            }
        }
    }

    void await(BooleanSupplier ready, Runnable resume) {
        if (ready.getAsBoolean()) {
            resume.run();
            return;
        }
        Wait w = new Wait(ready, resume);
        waits.add(w);
        later(MAX_WAIT_MS, w::finish);
    }

    /** Completes once the table reached {@code epoch} (0: once the version rose above {@code seen}). */
    void untilNewer(long epoch, long seen, Runnable resume) {
        await(epoch > 0 ? () -> current() != null && current().epoch() >= epoch : () -> table.version() > seen, resume);
    }

    void handoffAborted() {
        table.handoffAborted();
        recheckWaits();
    }

    private void recheckWaits() {
        for (Wait w : new ArrayList<>(waits)) {
            if (!w.done && w.ready.getAsBoolean()) {
                w.finish();
            }
        }
    }
}
