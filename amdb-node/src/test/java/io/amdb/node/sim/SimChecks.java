package io.amdb.node.sim;

import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The invariants. Safety, checked as each event happens:
 * <ul>
 *   <li>one table per epoch, whichever replica applied it;</li>
 *   <li>each committed table follows from the one before by the protocol's moves only: a cutover of a listed
 *       migration, a death (LOST, lost from the owner), a Return (LOST back to the member it was lost with);</li>
 *   <li>never two nodes accepting client writes for one partition at one epoch, and never a write by a node whose
 *       partition a committed newer table already gave to someone else (a stale owner);</li>
 *   <li>a read answered OK returns the latest acknowledged value or a possible unknown one ({@link SimClients});</li>
 *   <li>a forwarded piece never waits out its timeout for an owner its node knows has left ({@link SimRouting}).</li>
 * </ul>
 * Liveness, once healed and quiet ({@link #liveness}): every node holds the last committed table, no migration is
 * left, no partition is LOST with a durable member (its copy survives), and every key reads back.
 */
final class SimChecks {
    /** Virtual time the run stays healed and quiet before liveness is checked. */
    static final long QUIET_MS = 60_000;

    private final Sim sim;
    private final Map<Long, PartitionTable> byEpoch = new HashMap<>();
    private final Map<Long, String> writers = new HashMap<>(); // (partition, epoch) -> node

    SimChecks(Sim sim) {
        this.sim = sim;
    }

    void afterStep() {
        // every invariant is checked where its event happens; nothing is left for a scan
    }

    void replicaApplied(SimNode node, PartitionTable table) {
        PartitionTable before = byEpoch.putIfAbsent(table.epoch(), table);
        if (before != null && !before.equals(table)) {
            fail("two tables with epoch " + table.epoch() + ": " + before + " and, at " + node.id + ", " + table);
        }
    }

    /**
     * A table a keeper published on top of its previous one ({@code prev}, the committed table it took over for the
     * first): every partition's owner changes only by a move of the protocol. A committed table may skip several of
     * these steps ({@code Proposals} coalesces them), so this is checked step by step here, not between commits.
     */
    void keeperStep(PartitionTable prev, PartitionTable next) {
        if (prev == null) {
            return;
        }
        if (next.epoch() <= prev.epoch()) {
            fail("keeper published epoch " + next.epoch() + " after " + prev.epoch());
        }
        for (int p = 0; p < next.partitions(); p++) {
            String from = id(prev.owner(p));
            String to = id(next.owner(p));
            boolean legal = Objects.equals(from, to)
                    || (to == null && from != null && from.equals(next.lostFrom(p)))
                    || (from == null && to != null && to.equals(prev.lostFrom(p)))
                    || (from != null && new Migration(p, from, to == null ? "?" : to).equals(prev.migration(p)));
            if (!legal) {
                fail("partition " + p + " went from " + from + " (epoch " + prev.epoch() + ", migration "
                        + prev.migration(p) + ", lost from " + prev.lostFrom(p) + ") to " + to + " (epoch "
                        + next.epoch() + ") by no move of the protocol");
            }
        }
    }

    /** A table the log committed on top of {@code prev} (null: the first). */
    void committed(PartitionTable prev, PartitionTable next) {
        replicaApplied(sim.nodes.values().iterator().next(), next);
        if (prev == null) {
            return;
        }
        if (next.epoch() <= prev.epoch()) {
            fail("committed epoch " + next.epoch() + " after " + prev.epoch());
        }
        for (int p = 0; p < next.partitions(); p++) {
            String from = id(prev.owner(p));
            String to = id(next.owner(p));
            // A target that restarted after taking the final copy gets the partition as its old incarnation (the
            // coordinator had not noticed yet): like an owner's crash, the next plan reports it LOST.
            boolean sameTarget = to != null && next.owner(p).equals(sim.nodes.get(to).member());
            if (from != null && to != null && !from.equals(to) && sameTarget
                    && !sim.nodes.get(to).finalAttempt.containsKey(p)) {
                knownBug("the cutover of partition " + p + " from " + from + " to " + to + " was committed at epoch "
                        + next.epoch() + " but " + to + " no longer holds a final copy (it dropped it, or never had it)");
            }
        }
    }

    /** {@code node} applied a client write to partition {@code p} while its table had {@code epoch}. */
    void clientWrite(SimNode node, int p, long epoch) {
        String other = writers.putIfAbsent(p * 1_000_000_007L + epoch, node.id);
        if (other != null && !other.equals(node.id)) {
            fail("nodes " + other + " and " + node.id + " both accepted writes for partition " + p + " at epoch " + epoch);
        }
        List<PartitionTable> tables = sim.log.tables;
        for (int i = tables.size() - 1; i >= 0 && tables.get(i).epoch() > epoch; i--) {
            Member owner = tables.get(i).owner(p);
            // A durable node's copy of a partition LOST with it is the one it claims back: nobody else serves it.
            boolean keptCopy = owner == null && node.durable && node.id.equals(tables.get(i).lostFrom(p));
            if (!keptCopy && (owner == null || !owner.nodeId().equals(node.id))) {
                fail(node.id + " accepted a write for partition " + p + " at epoch " + epoch + " although committed epoch "
                        + tables.get(i).epoch() + " gives it to " + (owner == null ? "nobody (LOST)" : owner.nodeId()));
            }
        }
    }

    /** A final read found the key's partition LOST: allowed only when no copy survives. */
    void lostAtEnd(int p, String key) {
        PartitionTable last = sim.log.tables.get(sim.log.tables.size() - 1);
        String from = last.lostFrom(p);
        SimNode holder = from == null ? null : sim.nodes.get(from);
        // A durable member that is back claims what its saved table gave it and what it holds data for; a partition
        // it never saved nor received data of (it died before its first table) stays LOST, though nothing was in it.
        if (holder != null && holder.durable && holder.claims().get(p)) {
            fail("partition " + p + " (" + key + ") is LOST with " + from + ", a durable member that is back and claims it");
        }
    }

    void liveness() {
        if (sim.log.frozenForGood()) {
            return; // a documented limit, not a violation
        }
        List<PartitionTable> tables = sim.log.tables;
        PartitionTable last = tables.get(tables.size() - 1);
        for (SimNode n : sim.nodes.values()) {
            PartitionTable t = n.current();
            if (t == null || t.epoch() != last.epoch()) {
                fail(n.id + " holds epoch " + (t == null ? "none" : t.epoch()) + ", the log committed " + last.epoch());
            }
        }
        if (!last.migrations().isEmpty()) {
            fail("migrations left after healing: " + last.migrations());
        }
        sim.clients.verifyAll();
    }

    /**
     * The coordinator accepted a cutover for a move whose target does not hold that attempt's final copy: the
     * target would own the partition without the writes the source took after that copy. The request names the
     * epoch its attempt began with, and the keeper accepts only attempts that began after the move's current
     * listing did (TableKeeper.cutover), so an abandoned attempt's late request is refused.
     */
    void staleCutover(Migration done, long attempt, Long held) {
        fail("stale cutover accepted: " + done + " asked for attempt " + attempt + " but " + done.toNode()
                + " holds " + (held == null ? "no final copy" : "the final copy of attempt " + held));
    }

    /**
     * A memory-only process serves a partition its table gives to its previous incarnation (same node id): its
     * store is empty, the acknowledged writes are gone, and nothing says LOST. The node's ownership test compares
     * node ids only, and a new replica counts as caught up with the commit index it knows, which can lag. A known
     * bug of the production code (see {@link KnownBug}).
     */
    void servesPreviousIncarnation(SimNode node, Member owner, int p) {
        knownBug(node.id + " (" + node.member() + ", memory-only, restarted) serves partition " + p
                + " which its table gives to its previous incarnation " + owner);
    }

    /**
     * The log applied a proposal on top of a table other than the one it was planned on, with the same epoch: the
     * apply rule compares epochs, not tables, so when a keeper's first proposal of a chain is stale its next one can
     * apply on the table that beat it. Reachable only when a leader plans before applying every earlier entry,
     * which Ratis's leader-ready prevents ({@link SimOptions#laggingLeader()}). A known gap (see {@link KnownBug}).
     */
    void appliedOnAnotherTable(PartitionTable plannedOn, PartitionTable held, PartitionTable next) {
        knownBug("epoch " + next.epoch() + " was planned on " + plannedOn + " but applied on " + held
                + ", another table with the same epoch");
    }

    /** {@code node} drops a final copy, on installing {@code older}, although the log already cut it over to it. */
    void dropsCutOverCopy(SimNode node, int p, PartitionTable older) {
        List<PartitionTable> tables = sim.log.tables;
        Member owner = tables.get(tables.size() - 1).owner(p);
        if (owner != null && owner.nodeId().equals(node.id)) {
            knownBug(node.id + " drops its final copy of partition " + p + " on installing epoch " + older.epoch()
                    + " (partition " + (older.isLost(p) ? "LOST" : "elsewhere") + ") although committed epoch "
                    + tables.get(tables.size() - 1).epoch() + " already gives it the partition");
        }
    }

    private void knownBug(String what) {
        if (Boolean.getBoolean("amdb.sim.strict")) {
            fail(what);
        }
        throw new KnownBug(what + "\n  " + sim.options + "\n  at t=" + sim.now() + " ms (replay with -Damdb.seed="
                + sim.options.seed() + " -Damdb.sim.strict=true)");
    }

    /** A violation of a known, reported bug: counted and printed by {@link SimulationTest}, fatal with {@code -Damdb.sim.strict=true}. */
    static final class KnownBug extends AssertionError {
        KnownBug(String what) {
            super(what);
        }
    }

    void fail(String what) {
        throw new AssertionError(what + "\n  " + sim.options + "\n  at t=" + sim.now() + " ms, step " + sim.steps
                + " (replay with -Damdb.seed=" + sim.options.seed() + ")");
    }

    private static String id(Member m) {
        return m == null ? null : m.nodeId();
    }
}
