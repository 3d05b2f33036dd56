package io.amdb.node.sim;

import io.amdb.node.ring.PlacementPolicy;
import io.amdb.node.ring.TablePlanner;
import io.amdb.protocol.Member;
import io.amdb.protocol.Partitioner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic simulation of an AmDb cluster's table protocol, forwarding and migrations (FoundationDB /
 * TigerBeetle style; docs/CLUSTER.md, docs/PEERS.md). One thread, one queue of events ordered by (virtual time,
 * sequence), one {@link SplittableRandom} from the seed: the same seed gives the same run.
 *
 * <p>What runs for real: {@code TablePlanner} and {@code TableKeeper} (planning, cutover, Return), the table log's
 * apply rule ({@code TableLogRule}), the coordinator's cutover decision and the source's unfence decision
 * ({@code CoordinatorRequests}), the forwarder's departed-owner test ({@code Forwarder.departed}), and each node's
 * {@code ShardStore} with the shard tasks a migration runs on it ({@code HandoffTask}, {@code ReceiveTask},
 * {@code PointBatch}). What is modelled, compactly: the network (this class), the Raft log ({@link SimLog}), and
 * the asynchronous node code ({@link SimNode}, which names the production code each part mirrors).
 *
 * <p>Faults, while {@link #faulty}: messages dropped, duplicated and delayed (so reordered), nodes crashed and
 * restarted, the network split (a set of blocked pairs), the log's leader deposed. Then everything heals and the
 * run goes quiet; {@link SimChecks} checks safety after every event and liveness at the end.
 */
final class Sim {
    final SimOptions options;
    final SplittableRandom random;
    final Partitioner partitioner;
    final TablePlanner planner = new TablePlanner(new PlacementPolicy(16, 0.0, PlacementPolicy.DEFAULT.hash()));
    final Map<String, SimNode> nodes = new TreeMap<>();
    final SimLog log;
    final SimChecks checks;
    final SimClients clients;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final Set<String> blocked = new HashSet<>();
    private final List<Member> hazelcast = new ArrayList<>(); // the members every node sees (failure detector)
    private long now;
    private long sequence;
    long steps;
    boolean faulty = true;

    private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
        }
    }

    Sim(SimOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.partitioner = new Partitioner(options.partitions());
        this.checks = new SimChecks(this);
        this.log = new SimLog(this);
        this.clients = new SimClients(this);
        for (int i = 0; i < options.nodes(); i++) {
            String id = "n" + (i + 1);
            nodes.put(id, new SimNode(this, id, options.durable()[i]));
        }
    }

    long now() {
        return now;
    }

    /** {@code -Damdb.sim.trace=true} prints what happens, to read a replayed seed. */
    static final boolean TRACE = Boolean.getBoolean("amdb.sim.trace");

    void trace(String what) {
        if (TRACE) {
            System.out.println("t=" + now + " " + what);
        }
    }

    /** Runs {@code action} after {@code delayMs} of virtual time. */
    void at(long delayMs, Runnable action) {
        queue.add(new Event(now + Math.max(0, delayMs), sequence++, action));
    }

    /** Runs the whole scenario: start, faulty phase, heal, quiet phase, liveness. Throws on a violation. */
    void run() {
        List<SimNode> all = new ArrayList<>(nodes.values());
        for (int i = 0; i < options.initialNodes(); i++) {
            all.get(i).start();
        }
        for (int i = options.initialNodes(); i < all.size(); i++) {
            SimNode late = all.get(i);
            at(500 + random.nextLong(options.faultyMs()), () -> {
                if (!late.alive()) {
                    late.start();
                }
            });
        }
        faultTick();
        log.tick();
        clients.start();
        runUntil(options.faultyMs());
        heal();
        runUntil(now + SimChecks.QUIET_MS);
        if (!options.laggingLeader()) { // a leader that plans before catching up is beyond what Ratis allows: safety only
            checks.liveness();
        }
    }

    /** Pops and runs events up to {@code end}, checking safety after each. */
    void runUntil(long end) {
        while (!queue.isEmpty() && queue.peek().time <= end) {
            Event e = queue.poll();
            now = e.time;
            e.action.run();
            steps++;
            checks.afterStep();
        }
        now = Math.max(now, end);
    }

    private void heal() {
        faulty = false;
        blocked.clear();
        for (SimNode n : nodes.values()) {
            if (!n.alive()) {
                n.start();
            }
        }
    }

    // ---- the network ----

    /**
     * Sends a message: {@code deliver} runs at {@code to} after a random delay unless the pair is blocked, the
     * message is dropped, or the receiving process is not the one that was there when it was sent (a restarted node
     * has new connections). While faulty it may be dropped or, if {@code duplicable}, delivered twice. The event bus
     * (TCP) delivers a request at most once, so a client write's piece is never duplicated (a duplicate could land
     * after a later write the client was told succeeded); the messages whose protocol expects repeats (migration
     * chunks, cutover requests, replies) are.
     */
    void send(String from, String to, boolean duplicable, Runnable deliver) {
        SimNode target = nodes.get(to);
        int incarnation = target.incarnation();
        int copies = faulty && duplicable && random.nextDouble() < options.duplicateRate() ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            if (faulty && random.nextDouble() < options.dropRate()) {
                continue;
            }
            at(1 + random.nextLong(options.maxDelayMs()), () -> {
                if (target.alive() && target.incarnation() == incarnation && reachable(from, to)) {
                    deliver.run();
                }
            });
        }
    }

    boolean reachable(String a, String b) {
        return a.equals(b) || !blocked.contains(pair(a, b));
    }

    private static String pair(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    // ---- membership (Hazelcast, the failure detector): crash-based, seen by every node after a delay ----

    List<Member> members() {
        return List.copyOf(hazelcast);
    }

    void memberUp(Member m) {
        at(100 + random.nextLong(300), () -> {
            SimNode process = nodes.get(m.nodeId());
            if (!process.alive() || !process.member().equals(m)) {
                return; // that process is gone already: Hazelcast never lists it
            }
            hazelcast.removeIf(x -> x.nodeId().equals(m.nodeId()));
            hazelcast.add(m);
            nodes.values().forEach(n -> n.membershipChanged(m, true));
        });
    }

    void memberDown(Member m) {
        at(300 + random.nextLong(700), () -> {
            if (hazelcast.remove(m)) {
                nodes.values().forEach(n -> n.membershipChanged(m, false));
            }
        });
    }

    // ---- process and network faults ----

    private void faultTick() {
        if (!faulty) {
            return;
        }
        for (SimNode n : nodes.values()) {
            if (n.started() && n.alive() && random.nextDouble() < options.crashRate()) {
                n.crash();
            } else if (n.started() && !n.alive() && random.nextDouble() < 0.1) {
                n.start();
            }
        }
        List<String> ids = new ArrayList<>(nodes.keySet());
        if (random.nextDouble() < options.splitRate()) {
            blocked.add(pair(ids.get(random.nextInt(ids.size())), ids.get(random.nextInt(ids.size()))));
        }
        if (!blocked.isEmpty() && random.nextDouble() < 0.05) {
            blocked.clear();
        }
        if (random.nextDouble() < options.leaderChangeRate()) {
            log.depose();
        }
        at(SimOptions.FAULT_TICK_MS, this::faultTick);
    }
}
