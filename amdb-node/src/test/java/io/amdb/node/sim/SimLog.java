package io.amdb.node.sim;

import io.amdb.node.consensus.TableEntry;
import io.amdb.node.consensus.TableLogRule;
import io.amdb.protocol.PartitionTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The table log as a Raft-like committed sequence (mirrors what {@code consensus/TableGroup} gets from Ratis): one
 * leader at a time; a proposal is appended at the leader and committed while the leader reaches a majority of the
 * live members; a leader that is deposed (it crashed, lost its majority, or a fault) fails every proposal it has in
 * flight, although a prefix of them may still be committed by the next term (as in Raft, the proposer cannot tell).
 * Each node's replica applies the committed entries in order, with delays, through the production
 * {@link TableLogRule}. A new leader takes office once its replica applied every committed entry (Ratis's
 * leader-ready), unless {@link SimOptions#laggingLeader()}.
 *
 * <p>Simplification: the voters are the live members (the production group keeps 1, 3 or 5 voters, VoterPlan).
 */
final class SimLog {
    static final long TICK_MS = 50;
    static final long ELECTION_MS = 1_000;

    private final Sim sim;
    final List<TableEntry.Proposal> entries = new ArrayList<>();
    /** The tables the committed entries made, in order: what every replica applies. */
    final List<PartitionTable> tables = new ArrayList<>();
    private PartitionTable held;
    private SimNode leader;
    private boolean ready;
    private long leaderlessSince;
    private long unreachableSince = -1;
    private final List<Pending> pending = new ArrayList<>();

    /** A proposal in flight, with the table its keeper planned it on (the entry itself carries only its epoch). */
    private record Pending(TableEntry.Proposal proposal, PartitionTable plannedOn, SimNode proposer, int incarnation,
            Consumer<TableEntry.Outcome> done) {}

    SimLog(Sim sim) {
        this.sim = sim;
    }

    /** True when {@code n} leads and has applied every earlier entry: it may coordinate (TableGroup.isReadyLeader). */
    boolean isReadyLeader(SimNode n) {
        return leader == n && ready;
    }

    SimNode leader() {
        return leader;
    }

    /** Appends a proposal at the leader; {@code done} gets the outcome, or null when it failed (not leader, deposed). */
    void propose(SimNode n, TableEntry.Proposal p, PartitionTable plannedOn, Consumer<TableEntry.Outcome> done) {
        if (leader != n) {
            n.local(() -> done.accept(null));
            return;
        }
        pending.add(new Pending(p, plannedOn, n, n.incarnation(), done));
    }

    void tick() {
        if (leader != null && !leader.alive()) {
            depose();
        }
        if (leader == null) {
            if (sim.now() - leaderlessSince >= ELECTION_MS) {
                elect();
            }
        } else if (!reachesMajority(leader)) {
            if (unreachableSince < 0) {
                unreachableSince = sim.now();
            } else if (sim.now() - unreachableSince >= ELECTION_MS) {
                depose();
            }
        } else {
            unreachableSince = -1;
            if (sim.random.nextInt(3) != 0) {
                commitPending();
            }
            replicate();
        }
        sim.at(TICK_MS, this::tick);
    }

    /** The leader steps down: a random prefix of its proposals in flight is committed, and every one fails. */
    void depose() {
        if (leader == null) {
            return;
        }
        int keep = pending.isEmpty() ? 0 : sim.random.nextInt(pending.size() + 1);
        for (int i = 0; i < keep; i++) {
            commit(pending.get(i));
        }
        for (Pending p : pending) {
            p.proposer.localIf(p.incarnation, () -> p.done.accept(null));
        }
        pending.clear();
        SimNode was = leader;
        sim.trace(was.id + " is deposed, " + keep + " proposals it had in flight committed");
        leader = null;
        ready = false;
        leaderlessSince = sim.now();
        unreachableSince = -1;
        was.local(was::tick);
    }

    /**
     * Whether the leader replicates to {@code n}. A memory-only node restarted is a new replica, added by the leader
     * only after the log dropped its previous incarnation. (In production the leader adds it whenever Hazelcast lists
     * it, and a table naming its previous incarnation as owner may then still be the newest committed one: the
     * report of the simulation's first seeds names that window; this model leaves it out.)
     */
    private boolean added(SimNode n) {
        if (n.durable || tables.isEmpty()) {
            return true;
        }
        io.amdb.protocol.Member listed = tables.get(tables.size() - 1).member(n.id);
        return listed == null || listed.equals(n.member());
    }

    /**
     * True when no replica can ever lead again: every live one is a memory-only node restarted as a new replica
     * that the table still lists at its old incarnation (docs/CLUSTER.md, known limits: voters all memory-only
     * that lost a majority cannot change the table again).
     */
    boolean frozenForGood() {
        return leader == null && sim.nodes.values().stream().noneMatch(this::added);
    }

    private void elect() {
        List<SimNode> candidates = new ArrayList<>();
        for (SimNode n : sim.nodes.values()) {
            // Raft elects only a replica whose log holds every committed entry: not one the leader has yet to add
            if (n.alive() && n.inGroup() && reachesMajority(n) && added(n)) {
                candidates.add(n);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        leader = candidates.get(sim.random.nextInt(candidates.size()));
        sim.trace(leader.id + " leads the table log");
        ready = sim.options.laggingLeader();
        unreachableSince = -1;
        if (ready) {
            leader.local(leader::tick);
        }
    }

    private boolean reachesMajority(SimNode n) {
        int live = 0;
        int reached = 0;
        for (SimNode m : sim.nodes.values()) {
            if (m.alive() && m.inGroup()) {
                live++;
                reached += sim.reachable(n.id, m.id) ? 1 : 0;
            }
        }
        return reached * 2 > live;
    }

    private void commitPending() {
        List<Pending> done = new ArrayList<>(pending);
        pending.clear();
        for (Pending p : done) {
            TableEntry.Outcome outcome = commit(p);
            leader.catchUp(entries.size());
            p.proposer.localIf(p.incarnation, () -> p.done.accept(outcome));
        }
    }

    /** Appends a committed entry and applies it to the log's own state, checking the table sequence. */
    private TableEntry.Outcome commit(Pending pending) {
        TableEntry.Proposal p = pending.proposal;
        entries.add(p);
        TableEntry.Outcome outcome = TableLogRule.apply(held, p);
        if (outcome.applied() && pending.plannedOn != null && held != null && !pending.plannedOn.equals(held)) {
            sim.checks.appliedOnAnotherTable(pending.plannedOn, held, p.table());
        }
        if (outcome.applied()) {
            sim.checks.committed(held, p.table());
            held = p.table();
            tables.add(held);
        }
        return outcome;
    }

    /** Every replica the leader reaches applies some more of the committed entries; the leader may become ready. */
    private void replicate() {
        for (SimNode n : sim.nodes.values()) {
            if (n.alive() && sim.reachable(leader.id, n.id) && added(n)) {
                int upTo = n == leader ? entries.size()
                        : Math.min(entries.size(), n.appliedIndex() + 1 + sim.random.nextInt(3));
                n.catchUp(upTo);
                n.leaderKnown(leader.id, n.appliedIndex() == entries.size());
            }
        }
        if (!ready && leader.appliedIndex() == entries.size()) {
            ready = true;
            leader.local(leader::tick);
        }
    }
}
